import { useQuery } from 'urql';
import { graphql } from '@/gql';

export const tutorDetailQuery = graphql(`
  query TutorDetail($id: ID!) {
    tutor(id: $id) {
      id
      name
      externalId
      email
      active
      score {
        ...TutorScoreFields
      }
      scoreHistory(last: 100) {
        computedAt
        version
        rescheduleRate7d
        rescheduleRate30d
        rescheduleRate90d
      }
      weeklyTrend(weeks: 12) {
        weekEnd
        sessions
        tutorReschedules
        rescheduleRate
        tutorNoShows
      }
      recentReschedules(first: 10) {
        sessionId
        initiator
        reasonCode
        reason
        originalStart
        requestedAt
        noticeHours
        lastMinute
      }
      sessions(first: 10) {
        edges {
          node {
            id
            scheduledStart
            scheduledMinutes
            status
            isFirstSession
            rating
          }
        }
      }
    }
    scoringRules {
      rescheduleThreshold
      noShowThreshold
      lateStartThreshold
      earlyEndThreshold
      poorFirstSessionThreshold
    }
  }
`);

export function useTutorDetail(id: string) {
  return useQuery({ query: tutorDetailQuery, variables: { id } });
}
