import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { AuditEventsQuery, AuditEventsQueryVariables } from '@/gql/graphql';

/** A page of the audit trail, newest first (admins only). */
export const auditEventsQuery = graphql(`
  query AuditEvents($filter: AuditFilterInput, $first: Int!, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          at
          actorKind
          actorLabel
          actor {
            id
            name
          }
          action
          subjectType
          subjectId
          tutorId
          before
          after
          note
        }
      }
    }
  }
`);

export type AuditEdge = AuditEventsQuery['auditEvents']['edges'][number];
export type AuditEntry = AuditEdge['node'];

/** The newest page for these filters; paused for whoever may not read the trail. */
export function useAuditEvents(variables: AuditEventsQueryVariables, pause: boolean) {
  return useQuery({ query: auditEventsQuery, variables, pause });
}

/** The name of the tutor the trail is narrowed to. */
export const auditTutorQuery = graphql(`
  query AuditTutor($id: ID!) {
    tutor(id: $id) {
      id
      name
    }
  }
`);

export function useAuditTutor(id: string | null) {
  return useQuery({ query: auditTutorQuery, variables: { id: id ?? '' }, pause: id === null });
}
