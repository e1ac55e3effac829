import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { UpcomingQuery, UpcomingQueryVariables } from '@/gql/graphql';

graphql(`
  fragment UpcomingFields on UpcomingSession {
    session {
      id
      externalId
      scheduledStart
      scheduledMinutes
      isFirstSession
      studentRef
      bookedAt
      tutor {
        id
        name
      }
    }
    prediction {
      probability
      poorFirstProbability
      reasons {
        text
        points
        feature
      }
      modelVersion
      predictedAt
    }
  }
`);

/** Booked sessions in a window with their predictions, and whether a model is in use. */
export const upcomingQuery = graphql(`
  query Upcoming($filter: UpcomingFilterInput, $sort: UpcomingSortInput, $first: Int!) {
    upcomingSessions(filter: $filter, sort: $sort, first: $first) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          ...UpcomingFields
        }
      }
    }
    predictionModel {
      version
    }
  }
`);

export type UpcomingItem = UpcomingQuery['upcomingSessions']['edges'][number]['node'];

export function useUpcoming(variables: UpcomingQueryVariables) {
  return useQuery({ query: upcomingQuery, variables });
}
