import { describe, expect, it } from 'vitest';
import { scoreFixture } from '@/testing/fixtures';
import { newestScore, scoreWindow } from './score';

describe('newestScore', () => {
  it('takes a live score newer than the fetched one', () => {
    const live = scoreFixture(3);
    expect(newestScore(scoreFixture(2), live)).toBe(live);
  });

  it('keeps the fetched score when the live one is older or the same', () => {
    const fetched = scoreFixture(3);
    expect(newestScore(fetched, scoreFixture(2))).toBe(fetched);
    expect(newestScore(fetched, scoreFixture(3))).toBe(fetched);
  });

  it('takes a live score for a tutor fetched without one', () => {
    const live = scoreFixture(1);
    expect(newestScore(null, live)).toBe(live);
    expect(newestScore(undefined, undefined)).toBeNull();
  });
});

describe('scoreWindow', () => {
  it('finds a window by its length', () => {
    expect(scoreWindow(scoreFixture(1), 30)?.days).toBe(30);
    expect(scoreWindow(scoreFixture(1), 365)).toBeUndefined();
    expect(scoreWindow(null, 30)).toBeUndefined();
  });
});
