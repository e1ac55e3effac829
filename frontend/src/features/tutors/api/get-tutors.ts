import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { TutorsQueryVariables } from '@/gql/graphql';

export const tutorsQuery = graphql(`
  query Tutors(
    $filter: TutorFilterInput
    $search: String
    $sort: TutorSortInput
    $first: Int!
    $after: String
  ) {
    tutors(filter: $filter, search: $search, sort: $sort, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          score {
            ...TutorScoreFields
          }
        }
      }
    }
    scoringRules {
      rescheduleThreshold
      noShowThreshold
    }
  }
`);

export function useTutors(variables: TutorsQueryVariables) {
  return useQuery({ query: tutorsQuery, variables });
}
