import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatDuration,
  formatMetric,
  formatNotice,
  formatPercent,
  formatPoints,
  formatProbability,
  formatRelative,
  formatScore,
  formatShortDate,
  timeZoneLabel,
} from './format';

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

describe('timeZoneLabel', () => {
  const winter = new Date('2026-11-27T12:00:00Z');
  it('names the zone with its offset', () => {
    expect(timeZoneLabel('Asia/Kolkata', winter)).toBe('Asia/Kolkata (GMT+5:30)');
    expect(timeZoneLabel('America/New_York', winter)).toBe('America/New_York (GMT-5)');
  });
  it('follows daylight saving time', () =>
    expect(timeZoneLabel('Europe/Berlin', new Date('2026-07-01T12:00:00Z'))).toBe('Europe/Berlin (GMT+2)'));
  it('says plain UTC for UTC', () => {
    expect(timeZoneLabel('UTC', winter)).toBe('UTC');
    expect(timeZoneLabel('Etc/UTC', winter)).toBe('UTC');
  });
});

describe('formatProbability', () => {
  it('rounds to whole percent and never claims certainty it does not have', () => {
    expect(formatProbability(0.859)).toBe('86%');
    expect(formatProbability(0.004)).toBe('<1%');
    expect(formatProbability(0.996)).toBe('>99%');
    expect(formatProbability(0)).toBe('0%');
  });
});

describe('formatPoints', () => {
  it('signs the effect, one decimal under ten points', () => {
    expect(formatPoints(60)).toBe('+60 points');
    expect(formatPoints(5.2)).toBe('+5.2 points');
    expect(formatPoints(-4)).toBe('−4 points');
    expect(formatPoints(1)).toBe('+1 point');
  });
});

describe('formatDuration and formatRelative', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it('reads in minutes, hours, then days', () => {
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(30 * 3_600_000)).toBe('30 h');
    expect(formatDuration(72 * 3_600_000)).toBe('3 days');
  });
  it('says whether it is ahead or past', () => {
    expect(formatRelative('2026-12-02T18:00:00Z', now)).toBe('in 30 h');
    expect(formatRelative('2026-11-28T12:00:00Z', now)).toBe('3 days ago');
    expect(formatRelative('2026-12-01T12:00:20Z', now)).toBe('now');
  });
});

describe('formatMetric', () => {
  it('shows three decimals, or a dash when the figure is unknown', () => {
    expect(formatMetric(0.78707)).toBe('0.787');
    expect(formatMetric(null)).toBe('—');
  });
});
