// What a coach does to an alert. Each action sends the version the coach saw: a stale one
// comes back as CONFLICT. The document cache refetches the queries showing alerts when a
// mutation returns one; the live stream brings the change to everyone else.
import { useMutation } from 'urql';
import { graphql } from '@/gql';

export const acknowledgeAlertMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!, $version: Int!) {
    acknowledgeAlert(id: $id, version: $version) {
      ...AlertFields
    }
  }
`);

export const assignAlertMutation = graphql(`
  mutation AssignAlert($id: ID!, $version: Int!, $assigneeId: ID) {
    assignAlert(id: $id, version: $version, assigneeId: $assigneeId) {
      ...AlertFields
    }
  }
`);

export const snoozeAlertMutation = graphql(`
  mutation SnoozeAlert($id: ID!, $version: Int!, $until: DateTime!) {
    snoozeAlert(id: $id, version: $version, until: $until) {
      ...AlertFields
    }
  }
`);

export const resolveAlertMutation = graphql(`
  mutation ResolveAlert($id: ID!, $version: Int!, $resolution: AlertResolution!, $note: String) {
    resolveAlert(id: $id, version: $version, resolution: $resolution, note: $note) {
      ...AlertFields
    }
  }
`);

export const acknowledgeAlertsMutation = graphql(`
  mutation AcknowledgeAlerts($alerts: [AlertVersionInput!]!) {
    acknowledgeAlerts(alerts: $alerts) {
      id
      alert {
        ...AlertFields
      }
      error {
        code
        message
      }
    }
  }
`);

export const assignAlertsMutation = graphql(`
  mutation AssignAlerts($alerts: [AlertVersionInput!]!, $assigneeId: ID) {
    assignAlerts(alerts: $alerts, assigneeId: $assigneeId) {
      id
      alert {
        ...AlertFields
      }
      error {
        code
        message
      }
    }
  }
`);

/** The single-alert actions, each with its own state. */
export function useAlertActions() {
  const [acknowledgeState, acknowledge] = useMutation(acknowledgeAlertMutation);
  const [assignState, assign] = useMutation(assignAlertMutation);
  const [snoozeState, snooze] = useMutation(snoozeAlertMutation);
  const [resolveState, resolve] = useMutation(resolveAlertMutation);
  const busy = acknowledgeState.fetching || assignState.fetching || snoozeState.fetching || resolveState.fetching;
  return { acknowledge, assign, snooze, resolve, busy };
}
