import { describe, expect, it } from 'vitest';
import { changedFields, formatValue, hasStates, prettyJson } from './audit-diff';

describe('what an audit entry changed', () => {
  it('lists only the fields that differ, in their order', () => {
    const before = { status: 'open', severity: 'warning', assignee_id: null, version: 1 };
    const after = { status: 'acknowledged', severity: 'warning', assignee_id: null, version: 2 };
    expect(changedFields(before, after)).toEqual([
      { field: 'status', before: 'open', after: 'acknowledged' },
      { field: 'version', before: '1', after: '2' },
    ]);
  });

  it('treats a missing field as null and compares nested values whatever their key order', () => {
    expect(changedFields({ a: null, n: { x: 1, y: 2 } }, { n: { y: 2, x: 1 } })).toEqual([]);
    expect(changedFields({ role: 'coach' }, { role: 'coach', active: false })).toEqual([{ field: 'active', before: '—', after: 'false' }]);
    expect(changedFields({ tags: ['a'] }, { tags: ['a', 'b'] })).toEqual([{ field: 'tags', before: '["a"]', after: '["a","b"]' }]);
  });

  it('lists every field of a creation, and compares states that are not objects whole', () => {
    expect(changedFields(null, { email: 'eve@x', role: 'coach' })).toEqual([
      { field: 'email', before: '—', after: 'eve@x' },
      { field: 'role', before: '—', after: 'coach' },
    ]);
    expect(changedFields('low', 'high')).toEqual([{ field: '(value)', before: 'low', after: 'high' }]);
    expect(changedFields(3, 3)).toEqual([]);
  });

  it('shows values plainly', () => {
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue('')).toBe('""');
    expect(formatValue(true)).toBe('true');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it('pretty-prints a state, and knows when there is none', () => {
    expect(prettyJson({ status: 'open' })).toBe('{\n  "status": "open"\n}');
    expect(prettyJson(null)).toBeNull();
    expect(hasStates({ before: null, after: null })).toBe(false);
    expect(hasStates({ before: null, after: { a: 1 } })).toBe(true);
    expect(hasStates({ before: false, after: null })).toBe(true);
  });
});
