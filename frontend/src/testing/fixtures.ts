// Test data in the shapes the generated operation types describe.
import type { TutorScore } from '@/lib/score';

export function scoreFixture(version: number, overrides: Partial<TutorScore> = {}): TutorScore {
  const window = (days: number) => ({
    days,
    sessions: 20,
    outcomesMissing: 0,
    enoughData: true,
    rescheduleRate: 10,
    tutorReschedules: 2,
    lastMinuteReschedules: 1,
    noShowRate: 0,
    tutorNoShows: 0,
    dueSessions: 18,
    lateStartRate: 0,
    lateStarts: 0,
    earlyEndRate: 0,
    earlyEnds: 0,
    completedSessions: 18,
    poorFirstSessionRate: 0,
    poorFirstSessions: 0,
    firstSessions: 2,
  });
  return {
    qualityScore: 80,
    riskLevel: 'LOW',
    riskSince: '2026-11-01T00:00:00Z',
    computedAt: '2026-11-27T12:00:00Z',
    version,
    flags: [],
    windows: [window(7), window(30), window(90)],
    ...overrides,
  };
}
