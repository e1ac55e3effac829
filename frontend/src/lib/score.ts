// The tutor score as every page shows it. Queries and the live subscription select the same
// fragment, so a live update can replace a fetched score; the higher version always wins.
import { graphql } from '@/gql';
import type { TutorScoreFieldsFragment } from '@/gql/graphql';

graphql(`
  fragment TutorScoreFields on TutorScore {
    qualityScore
    riskLevel
    riskSince
    computedAt
    version
    flags {
      code
      severity
      windowDays
      evidence
      recommendation
    }
    windows {
      days
      sessions
      outcomesMissing
      enoughData
      rescheduleRate
      tutorReschedules
      lastMinuteReschedules
      noShowRate
      tutorNoShows
      dueSessions
      lateStartRate
      lateStarts
      earlyEndRate
      earlyEnds
      completedSessions
      poorFirstSessionRate
      poorFirstSessions
      firstSessions
    }
  }
`);

export type TutorScore = TutorScoreFieldsFragment;
export type ScoreWindow = TutorScore['windows'][number];

/** The newest of a fetched score and one received live (by `version`). */
export function newestScore(
  fetched: TutorScore | null | undefined,
  live: TutorScore | undefined,
): TutorScore | null {
  if (live && (!fetched || live.version > fetched.version)) return live;
  return fetched ?? null;
}

/** The score's window of `days` days, if it has one. */
export function scoreWindow(score: TutorScore | null, days: number): ScoreWindow | undefined {
  return score?.windows.find((w) => w.days === days);
}
