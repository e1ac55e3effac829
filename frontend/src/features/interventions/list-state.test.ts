import { describe, expect, it } from 'vitest';
import { defaultListState, isNarrowed, parseListState, serializeListState, toFilter, toInterventionsVariables } from './list-state';

describe('the interventions list state', () => {
  it('starts a signed-in person on their own planned interventions, a key on everyone’s', () => {
    expect(parseListState(new URLSearchParams(), true)).toEqual(defaultListState(true));
    expect(toFilter(defaultListState(true))).toEqual({ mine: true, statuses: ['PLANNED'] });
    expect(toFilter(parseListState(new URLSearchParams('who=mine'), false))).toEqual({ statuses: ['PLANNED'] });
  });

  it('round-trips a view through the URL, leaving defaults out', () => {
    const state = { who: 'all', status: 'DONE', type: 'coaching_call', overdueOnly: true, limit: 50 } as const;
    const params = serializeListState(state, true);
    expect(params.toString()).toBe('who=all&status=DONE&type=coaching_call&overdue=1&limit=50');
    expect(parseListState(params, true)).toEqual(state);
    expect(serializeListState(defaultListState(true), true).toString()).toBe('');
  });

  it('falls back on unknown values and caps the limit', () => {
    const state = parseListState(new URLSearchParams('status=LOST&type=<script>&limit=5000'), true);
    expect(state.status).toBe('PLANNED');
    expect(state.type).toBeNull();
    expect(state.limit).toBe(100);
  });

  it('asks for every status, a type and overdue ones as the filters say', () => {
    expect(toInterventionsVariables({ who: 'all', status: 'any', type: 'formal_warning', overdueOnly: true, limit: 25 })).toEqual({
      filter: { types: ['formal_warning'], overdue: true },
      sort: { field: 'DUE_AT', direction: 'ASC' },
      first: 25,
    });
  });

  it('knows when a view is narrower than the default', () => {
    expect(isNarrowed(defaultListState(true), true)).toBe(false);
    expect(isNarrowed({ ...defaultListState(true), overdueOnly: true }, true)).toBe(true);
  });
});
