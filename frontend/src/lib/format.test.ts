import { describe, expect, it } from 'vitest';
import { formatDateTime, formatNotice, formatPercent, formatScore, formatShortDate } from './format';

describe('formatPercent', () => {
  it('keeps one decimal', () => expect(formatPercent(12.3456)).toBe('12.3%'));
  it('drops the decimal of whole numbers', () => expect(formatPercent(15)).toBe('15%'));
  it('rounds rather than truncates', () => expect(formatPercent(66.666)).toBe('66.7%'));
});

describe('formatScore', () => {
  it('shows one decimal', () => expect(formatScore(84)).toBe('84.0'));
});

describe('formatNotice', () => {
  it('gives minutes under an hour', () => expect(formatNotice(0.5)).toBe('30 min'));
  it('gives hours under two days', () => expect(formatNotice(23.4)).toBe('23 h'));
  it('gives days beyond', () => expect(formatNotice(72)).toBe('3 days'));
});

describe('dates', () => {
  it('formats a timestamp in words', () => expect(formatDateTime('2026-11-27T15:05:00Z')).toBe('27 Nov 2026, 15:05'));
  it('formats a short date', () => expect(formatShortDate('2026-11-27T15:05:00Z')).toBe('27 Nov'));
});
