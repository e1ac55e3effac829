import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { AlertDetailQuery } from '@/gql/graphql';

/** One alert with the evidence it opened with and its whole history. */
export const alertDetailQuery = graphql(`
  query AlertDetail($id: ID!) {
    alert(id: $id) {
      ...AlertFields
      createdAt
      summary
      session {
        id
        externalId
        studentRef
        scheduledStart
        scheduledMinutes
        status
      }
      prediction {
        probability
        poorFirstProbability
        reasons {
          text
          points
        }
      }
      openingEvidence {
        code
        severity
        windowDays
        evidence
        recommendation
      }
      history {
        id
        at
        actorKind
        actorLabel
        actor {
          id
          name
        }
        action
        before
        after
        note
      }
    }
  }
`);

export type AlertHistoryEvent = NonNullable<AlertDetailQuery['alert']>['history'][number];

export function useAlertDetail(id: string) {
  return useQuery({ query: alertDetailQuery, variables: { id } });
}

/** A tutor's alerts, resolved ones too, the most recently opened first. */
export const tutorAlertsQuery = graphql(`
  query TutorAlerts($id: ID!) {
    tutor(id: $id) {
      id
      alerts(includeResolved: true, first: 20) {
        ...AlertFields
      }
    }
  }
`);

export function useTutorAlerts(id: string) {
  return useQuery({ query: tutorAlertsQuery, variables: { id } });
}
