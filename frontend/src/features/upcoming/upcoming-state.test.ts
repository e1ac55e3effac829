import { describe, expect, it } from 'vitest';
import { parseUpcomingState, riskTone, serializeUpcomingState, toUpcomingVariables } from './upcoming-state';

const anchor = Date.parse('2026-12-01T12:00:00Z');

describe('the Upcoming page state', () => {
  it('shows the next 48 hours, riskiest first, by default', () => {
    const state = parseUpcomingState(new URLSearchParams(''));
    expect(toUpcomingVariables(state, anchor)).toEqual({
      filter: { from: '2026-12-01T12:00:00.000Z', to: '2026-12-03T12:00:00.000Z', firstSessionsOnly: false },
      sort: { field: 'RISK', direction: 'DESC' },
      first: 25,
    });
    expect(serializeUpcomingState(state).toString()).toBe('');
  });

  it('round-trips the filters and asks for them', () => {
    const query = 'hours=24&min=0.4&first=1&sort=START';
    const state = parseUpcomingState(new URLSearchParams(query));
    expect(serializeUpcomingState(state).toString()).toBe(query);
    expect(toUpcomingVariables(state, anchor)).toEqual({
      filter: { from: '2026-12-01T12:00:00.000Z', to: '2026-12-02T12:00:00.000Z', minRisk: 0.4, firstSessionsOnly: true },
      sort: { field: 'START', direction: 'ASC' },
      first: 25,
    });
  });

  it('ignores values it does not offer', () => {
    expect(parseUpcomingState(new URLSearchParams('hours=5&min=0.33&sort=NAME'))).toMatchObject({ hours: 48, minRisk: 0, sort: 'RISK' });
  });
});

describe('riskTone', () => {
  it('marks even odds and above as high, a quarter as medium', () => {
    expect([0.8, 0.5, 0.49, 0.25, 0.1].map(riskTone)).toEqual(['high', 'high', 'medium', 'medium', 'low']);
  });
});
