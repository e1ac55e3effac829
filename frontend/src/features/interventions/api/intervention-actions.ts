// What a coach does with interventions: plan one for some of a tutor's alerts, complete it
// (optionally resolving its alerts as ACTIONED), cancel it, and, as its owner, assess it. Each
// change sends the version the coach saw: a stale one comes back as CONFLICT.
import { useMutation } from 'urql';
import { graphql } from '@/gql';

export const planInterventionMutation = graphql(`
  mutation PlanIntervention($input: PlanInterventionInput!) {
    planIntervention(input: $input) {
      ...InterventionFields
    }
  }
`);

export const completeInterventionMutation = graphql(`
  mutation CompleteIntervention($id: ID!, $version: Int!, $note: String, $resolveAlerts: Boolean!) {
    completeIntervention(id: $id, version: $version, note: $note, resolveAlerts: $resolveAlerts) {
      ...InterventionFields
    }
  }
`);

export const cancelInterventionMutation = graphql(`
  mutation CancelIntervention($id: ID!, $version: Int!, $reason: String) {
    cancelIntervention(id: $id, version: $version, reason: $reason) {
      ...InterventionFields
    }
  }
`);

export const assessInterventionMutation = graphql(`
  mutation AssessIntervention($id: ID!, $version: Int!, $verdict: OutcomeVerdict!, $note: String) {
    assessIntervention(id: $id, version: $version, verdict: $verdict, note: $note) {
      ...InterventionFields
    }
  }
`);

/** Complete, cancel and assess, with one busy flag. */
export function useInterventionActions() {
  const [completeState, complete] = useMutation(completeInterventionMutation);
  const [cancelState, cancel] = useMutation(cancelInterventionMutation);
  const [assessState, assess] = useMutation(assessInterventionMutation);
  return { complete, cancel, assess, busy: completeState.fetching || cancelState.fetching || assessState.fetching };
}

export function usePlanIntervention() {
  return useMutation(planInterventionMutation);
}
