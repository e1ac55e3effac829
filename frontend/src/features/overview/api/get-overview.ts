import { useQuery } from 'urql';
import { graphql } from '@/gql';

/** The cards (risk levels, alert work, missing outcomes), the latest risk changes, and every tutor's 30-day reschedule rate for the chart. */
export const overviewQuery = graphql(`
  query Overview {
    overview(recentChanges: 10) {
      tutors
      highRisk
      mediumRisk
      lowRisk
      unscored
      averageRescheduleRate30d
      sessionsLast24h
      openAlerts
      overdueAlerts
      unassignedAlerts
      outcomesMissing
      recentRiskChanges {
        tutorId
        tutorName
        from
        to
        flags
        at
        version
      }
    }
    scoringRules {
      rescheduleThreshold
    }
    tutors(first: 100) {
      totalCount
      edges {
        node {
          id
          score {
            window(days: 30) {
              rescheduleRate
            }
          }
        }
      }
    }
  }
`);

export function useOverview() {
  return useQuery({ query: overviewQuery });
}
