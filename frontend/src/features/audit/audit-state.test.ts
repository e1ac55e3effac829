import { describe, expect, it } from 'vitest';
import {
  appendPage,
  emptyAuditFilter,
  isNarrowed,
  parseAuditFilter,
  serializeAuditFilter,
  shownEntries,
  toAuditFilter,
  toAuditVariables,
} from './audit-state';

const TUTOR = '0b9f3c1e-6a2d-4c8e-9f10-2a3b4c5d6e7f';
const edge = (id: string) => ({ cursor: `c-${id}`, node: { id } });
const page = (ids: string[], hasNextPage: boolean, endCursor: string | null = ids.length ? `c-${ids.at(-1)}` : null) => ({
  edges: ids.map(edge),
  pageInfo: { hasNextPage, endCursor },
});

describe('the audit trail’s filters', () => {
  it('round-trips through the URL, leaving out what is not set', () => {
    const state = { action: 'alert.', from: '2026-12-01', to: '2026-12-07', tutor: TUTOR };
    const params = serializeAuditFilter(state);
    expect(params.toString()).toBe(`action=alert.&from=2026-12-01&to=2026-12-07&tutor=${TUTOR}`);
    expect(parseAuditFilter(params)).toEqual(state);
    expect(serializeAuditFilter(emptyAuditFilter).toString()).toBe('');
    expect(parseAuditFilter(new URLSearchParams())).toEqual(emptyAuditFilter);
  });

  it('keeps a whole action as well as a prefix, and drops malformed values', () => {
    expect(parseAuditFilter(new URLSearchParams('action=user.signed_in')).action).toBe('user.signed_in');
    const state = parseAuditFilter(new URLSearchParams('action=<script>&from=2026-02-30&to=12/07/2026&tutor=not-a-uuid'));
    expect(state).toEqual(emptyAuditFilter);
    expect(parseAuditFilter(new URLSearchParams('action=alert')).action).toBeNull();
  });

  it('asks the server for the action prefix, the whole days and the tutor', () => {
    expect(toAuditFilter(emptyAuditFilter)).toEqual({});
    expect(toAuditVariables({ action: 'intervention.', from: '2026-12-01', to: '2026-12-07', tutor: TUTOR }, 'cursor-9')).toEqual({
      filter: { action: 'intervention.', from: '2026-12-01T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z', tutorId: TUTOR },
      first: 50,
      after: 'cursor-9',
    });
  });

  it('knows when the trail is narrowed', () => {
    expect(isNarrowed(emptyAuditFilter)).toBe(false);
    expect(isNarrowed({ ...emptyAuditFilter, to: '2026-12-07' })).toBe(true);
    expect(isNarrowed({ ...emptyAuditFilter, tutor: TUTOR })).toBe(true);
  });
});

describe('the audit trail’s pages', () => {
  it('shows the first page alone until more is loaded', () => {
    expect(shownEntries(page(['9', '8'], true), null, '')).toEqual({ edges: [edge('9'), edge('8')], endCursor: 'c-8', hasMore: true });
  });

  it('appends the next pages after the first, and goes on from the last one loaded', () => {
    let more = appendPage(null, 'action=alert.', page(['7', '6'], true));
    more = appendPage(more, 'action=alert.', page(['5'], false));
    const shown = shownEntries(page(['9', '8'], true), more, 'action=alert.');
    expect(shown.edges.map((e) => e.node.id)).toEqual(['9', '8', '7', '6', '5']);
    expect(shown.endCursor).toBe('c-5');
    expect(shown.hasMore).toBe(false);
  });

  it('shows an entry once when a refreshed first page reaches into the next', () => {
    const more = appendPage(null, '', page(['8', '7'], true));
    expect(shownEntries(page(['10', '9', '8'], true), more, '').edges.map((e) => e.node.id)).toEqual(['10', '9', '8', '7']);
  });

  it('forgets the pages loaded for other filters', () => {
    const more = appendPage(null, 'action=alert.', page(['7'], true));
    expect(shownEntries(page(['9'], false), more, 'action=user.')).toEqual({ edges: [edge('9')], endCursor: 'c-9', hasMore: false });
    expect(appendPage(more, 'action=user.', page(['3'], false)).edges).toEqual([edge('3')]);
  });
});
