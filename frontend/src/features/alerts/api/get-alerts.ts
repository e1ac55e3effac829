import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { AlertsQueryVariables } from '@/gql/graphql';

/** A page of the triage queue. */
export const alertsQuery = graphql(`
  query Alerts($filter: AlertFilterInput, $sort: AlertSortInput, $first: Int!) {
    alerts(filter: $filter, sort: $sort, first: $first) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          ...AlertFields
        }
      }
    }
  }
`);

export function useAlerts(variables: AlertsQueryVariables) {
  return useQuery({ query: alertsQuery, variables });
}

/** The people an alert can be assigned to (active coaches and admins). */
export const assigneesQuery = graphql(`
  query Assignees {
    assignees {
      id
      name
      role
    }
  }
`);

export function useAssignees(pause: boolean) {
  return useQuery({ query: assigneesQuery, pause });
}
