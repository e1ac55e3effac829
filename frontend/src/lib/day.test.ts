import { describe, expect, it } from 'vitest';
import { dayStart, isDay } from './day';

describe('local days', () => {
  // The unit tests run in UTC.
  it('gives the start of a day and of a later one, and nothing for what is not a day', () => {
    expect(dayStart('2026-12-10')).toBe('2026-12-10T00:00:00.000Z');
    expect(dayStart('2026-12-31', 1)).toBe('2027-01-01T00:00:00.000Z');
    expect(dayStart('2026-13-01')).toBeNull();
    expect(dayStart('tomorrow', 1)).toBeNull();
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
  });
});
