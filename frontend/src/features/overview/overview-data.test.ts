import { describe, expect, it } from 'vitest';
import { mergeRiskChanges, rateHistogram, type RiskChange } from './overview-data';

const change = (tutorId: string, version: number, at: string): RiskChange => ({
  tutorId,
  tutorName: tutorId,
  from: 'LOW',
  to: 'HIGH',
  flags: [],
  at,
  version,
});

describe('mergeRiskChanges', () => {
  it('merges live and fetched changes once each, newest first, up to the limit', () => {
    const live = [change('a', 3, '2026-11-27T12:03:00Z')];
    const fetched = [
      change('a', 3, '2026-11-27T12:03:00Z'),
      change('b', 2, '2026-11-27T12:01:00Z'),
      change('c', 5, '2026-11-27T12:02:00Z'),
    ];
    expect(mergeRiskChanges(live, fetched, 10).map((c) => c.tutorId)).toEqual(['a', 'c', 'b']);
    expect(mergeRiskChanges(live, fetched, 2)).toHaveLength(2);
  });
});

describe('rateHistogram', () => {
  it('counts rates into buckets, 100 % in the last one', () => {
    const buckets = rateHistogram([0, 4.9, 5, 15, 99, 100], 5);
    expect(buckets).toHaveLength(20);
    expect(buckets[0]).toEqual({ from: 0, to: 5, mid: 2.5, count: 2 });
    expect(buckets[1]?.count).toBe(1);
    expect(buckets[3]?.count).toBe(1);
    expect(buckets[19]?.count).toBe(2);
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(6);
  });
});
