import { describe, expect, it } from 'vitest';
import { formatChange, formatChangeInterval, formatShare, formatShareInterval, judged, parsePeriod, serializePeriod, toRange } from './effectiveness-text';

describe('effectiveness in words', () => {
  it('formats shares and their intervals as whole percentages', () => {
    expect(formatShare(0.4167)).toBe('42%');
    expect(formatShare(null)).toBe('—');
    expect(formatShareInterval([0.193, 0.68])).toBe('19–68%');
    expect(formatShareInterval(null)).toBe('');
  });

  it('formats changes in points with a real minus sign', () => {
    expect(formatChange(-12.34)).toBe('−12.3 pts');
    expect(formatChange(4)).toBe('+4 pts');
    expect(formatChange(0)).toBe('0 pts');
    expect(formatChange(undefined)).toBe('—');
    expect(formatChangeInterval([-20.1, -4])).toBe('−20.1 pts to −4 pts');
  });

  it('counts only the judged outcomes as the share’s denominator', () => {
    expect(judged({ improved: 2, noChange: 3, worse: 1 })).toBe(6);
  });

  it('keeps the period in the URL, both days included', () => {
    const period = parsePeriod(new URLSearchParams('from=2026-06-01&to=2026-11-30'));
    expect(period).toEqual({ from: '2026-06-01', to: '2026-11-30' });
    expect(serializePeriod(period).toString()).toBe('from=2026-06-01&to=2026-11-30');
    // TZ is UTC in the tests: the last day runs to the start of the next.
    expect(toRange(period)).toEqual({ from: '2026-06-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
    expect(parsePeriod(new URLSearchParams('from=yesterday'))).toEqual({ from: null, to: null });
    expect(toRange({ from: null, to: null })).toEqual({ from: null, to: null });
  });
});
