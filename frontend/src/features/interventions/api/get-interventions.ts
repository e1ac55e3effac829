import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { InterventionsQueryVariables } from '@/gql/graphql';

/** A page of interventions (the list, or those answering one alert). */
export const interventionsQuery = graphql(`
  query Interventions($filter: InterventionFilterInput, $sort: InterventionSortInput, $first: Int!) {
    interventions(filter: $filter, sort: $sort, first: $first) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          ...InterventionFields
        }
      }
    }
  }
`);

export function useInterventions(variables: InterventionsQueryVariables) {
  return useQuery({ query: interventionsQuery, variables });
}

/** The types to choose from, and the people who may own an intervention (active coaches and admins). */
export const interventionChoicesQuery = graphql(`
  query InterventionChoices {
    interventionTypes {
      code
      label
    }
    assignees {
      id
      name
    }
  }
`);

export function useInterventionChoices(pause = false) {
  return useQuery({ query: interventionChoicesQuery, pause });
}

/** A tutor's unresolved alerts: what a new intervention can answer. */
export const tutorOpenAlertsQuery = graphql(`
  query TutorOpenAlerts($id: ID!) {
    tutor(id: $id) {
      id
      name
      alerts(includeResolved: false, first: 20) {
        id
        kind
        flag
        severity
        status
        openedAt
      }
    }
  }
`);

export function useTutorOpenAlerts(id: string, pause = false) {
  return useQuery({ query: tutorOpenAlertsQuery, variables: { id }, pause });
}
