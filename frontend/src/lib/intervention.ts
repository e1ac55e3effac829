// The intervention as every page shows it. The list, the tutor page, the alert page and the
// live subscription select the same fragment, so a live change can replace a fetched one; the
// higher version always wins.
import { graphql } from '@/gql';
import type { InterventionFieldsFragment } from '@/gql/graphql';

graphql(`
  fragment InterventionFields on Intervention {
    id
    tutorId
    tutor {
      id
      name
    }
    type
    typeLabel
    status
    owner {
      id
      name
    }
    ownerId
    dueAt
    overdue
    notes
    plannedBy
    createdAt
    completedAt
    completionNote
    cancelledAt
    cancelReason
    followUpDays
    followUpAt
    outcome
    measuredAt
    assessment
    assessmentNote
    assessedAt
    version
    alerts {
      id
      kind
      flag
      status
      severity
      resolution
    }
    outcomes {
      flag
      verdict
      periodDays
      beforeCount
      beforeOutOf
      afterCount
      afterOutOf
      beforeRate
      afterRate
      change
      changeInterval
      sentence
    }
  }
`);

export type InterventionItem = InterventionFieldsFragment;

/** The newest of a fetched intervention and one received live (by `version`). */
export function newestIntervention(fetched: InterventionItem, live: InterventionItem | undefined): InterventionItem {
  return live && live.id === fetched.id && live.version > fetched.version ? live : fetched;
}
