import { describe, expect, it } from 'vitest';
import { isNarrowed, parseQueueState, serializeQueueState, toAlertsVariables } from './queue-state';

const parse = (query: string, signedIn = true) => parseQueueState(new URLSearchParams(query), signedIn);

describe('the triage queue state', () => {
  it("starts a person on their own and unclaimed open work, severity first", () => {
    const state = parse('');
    expect(toAlertsVariables(state)).toEqual({
      filter: { mine: true, unassigned: true, statuses: ['OPEN', 'ACKNOWLEDGED'] },
      sort: { field: 'SEVERITY', direction: 'ASC' },
      first: 25,
    });
    expect(serializeQueueState(state, true).toString()).toBe('');
  });

  it('starts a key or the open server on everyone’s alerts, and never asks them for "mine"', () => {
    expect(toAlertsVariables(parse('', false)).filter).toEqual({ statuses: ['OPEN', 'ACKNOWLEDGED'] });
    expect(parse('who=mine', false).who).toBe('all');
  });

  it('round-trips every filter through the URL', () => {
    const query = 'who=unassigned&status=SNOOZED&severity=CRITICAL&overdue=1&sort=ACK_DUE&limit=50';
    const state = parse(query);
    expect(serializeQueueState(state, true).toString()).toBe(query);
    expect(toAlertsVariables(state)).toEqual({
      filter: { unassigned: true, statuses: ['SNOOZED'], severities: ['CRITICAL'], overdue: true },
      sort: { field: 'ACK_DUE', direction: 'ASC' },
      first: 50,
    });
  });

  it('lists the unresolved ones without a status filter, and the newest first when sorted by opening', () => {
    const variables = toAlertsVariables(parse('who=all&status=unresolved&sort=OPENED_AT'));
    expect(variables.filter).toEqual({});
    expect(variables.sort).toEqual({ field: 'OPENED_AT', direction: 'DESC' });
  });

  it('falls back to the defaults on unknown values and caps the page at 100', () => {
    const state = parse('who=boss&status=LOST&severity=MILD&sort=RANDOM&limit=5000');
    expect(state).toMatchObject({ who: 'mine-or-unassigned', status: 'active', severity: null, sort: 'SEVERITY', limit: 100 });
  });

  it('knows when a view is narrower than the default', () => {
    expect(isNarrowed(parse(''), true)).toBe(false);
    expect(isNarrowed(parse('severity=WARNING'), true)).toBe(true);
    expect(isNarrowed(parse('who=all', false), false)).toBe(false);
  });
});
