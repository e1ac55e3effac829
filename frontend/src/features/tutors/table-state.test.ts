import { describe, expect, it } from 'vitest';
import {
  clearFilters,
  defaultTableState,
  parseTableState,
  previousCursors,
  serializeTableState,
  sortBy,
  toQueryVariables,
  type TableState,
} from './table-state';

const parse = (query: string) => parseTableState(new URLSearchParams(query));

describe('parseTableState', () => {
  it('gives the defaults for an empty query string', () => {
    expect(parse('')).toEqual(defaultTableState);
  });

  it('reads every field', () => {
    expect(parse('risk=HIGH&flag=NO_SHOW_RATE&q=ava&sort=NAME&dir=ASC&after=abc')).toEqual({
      risk: 'HIGH',
      flag: 'NO_SHOW_RATE',
      search: 'ava',
      sort: 'NAME',
      direction: 'ASC',
      after: 'abc',
    });
  });

  it('falls back to the defaults for unknown values', () => {
    expect(parse('risk=EXTREME&flag=nope&sort=EMAIL&dir=sideways&after=')).toEqual(defaultTableState);
  });
});

describe('serializeTableState', () => {
  it('leaves the defaults out', () => {
    expect(serializeTableState(defaultTableState).toString()).toBe('');
  });

  it('round-trips through the URL', () => {
    const state: TableState = {
      risk: 'MEDIUM',
      flag: 'LATE_START_RATE',
      search: 'Chronic Rescheduler (Ava)',
      sort: 'RESCHEDULE_RATE_30D',
      direction: 'ASC',
      after: 'eyJzb3J0Ijoi+/=',
    };
    expect(parse(serializeTableState(state).toString())).toEqual(state);
  });
});

describe('sortBy', () => {
  const page2 = { ...defaultTableState, after: 'cursor' };

  it('flips the direction of the current column and goes back to page one', () => {
    expect(sortBy(page2, 'RISK_LEVEL')).toMatchObject({ sort: 'RISK_LEVEL', direction: 'ASC', after: null });
  });

  it('starts names A to Z and numbers highest first', () => {
    expect(sortBy(page2, 'NAME')).toMatchObject({ sort: 'NAME', direction: 'ASC', after: null });
    expect(sortBy({ ...page2, sort: 'NAME', direction: 'ASC' }, 'SESSIONS_30D')).toMatchObject({
      sort: 'SESSIONS_30D',
      direction: 'DESC',
    });
  });
});

describe('clearFilters', () => {
  it('drops filters, search and cursor but keeps the sort', () => {
    const state = parse('risk=HIGH&flag=NO_SHOW_RATE&q=x&sort=NAME&dir=ASC&after=c');
    expect(clearFilters(state)).toEqual({ ...defaultTableState, sort: 'NAME', direction: 'ASC' });
  });
});

describe('toQueryVariables', () => {
  it('turns the state into the query arguments', () => {
    expect(toQueryVariables(parse('risk=HIGH&q=%20ava%20&sort=NAME&dir=ASC&after=c'))).toEqual({
      filter: { riskLevels: ['HIGH'], flags: null },
      search: 'ava',
      sort: { field: 'NAME', direction: 'ASC' },
      first: 25,
      after: 'c',
    });
  });

  it('sends no search for blank text', () => {
    expect(toQueryVariables(parse('q=%20%20')).search).toBeNull();
  });
});

describe('previousCursors', () => {
  it('reads the cursor stack from the history state', () => {
    expect(previousCursors({ previous: [null, 'a', 'b'] })).toEqual([null, 'a', 'b']);
  });

  it('is empty for a shared link or foreign state', () => {
    expect(previousCursors(null)).toEqual([]);
    expect(previousCursors({ other: 1 })).toEqual([]);
    expect(previousCursors({ previous: 'a' })).toEqual([]);
    expect(previousCursors({ previous: ['a', 3] })).toEqual(['a']);
  });
});
