// The alert as every page shows it. The queue, the detail page, the tutor page and the live
// subscription select the same fragment, so a live change can replace a fetched alert; the
// higher version always wins.
import { graphql } from '@/gql';
import type { AlertFieldsFragment } from '@/gql/graphql';

graphql(`
  fragment AlertFields on Alert {
    id
    kind
    flag
    status
    severity
    resolution
    tutorId
    tutor {
      id
      name
    }
    assignee {
      id
      name
    }
    openedAt
    ackDueAt
    overdue
    acknowledgedAt
    snoozedUntil
    resolvedAt
    reopenedCount
    version
    summary
    latestEvidence {
      code
      severity
      windowDays
      evidence
      recommendation
    }
  }
`);

export type AlertItem = AlertFieldsFragment;

/** The newest of a fetched alert and one received live (by `version`). */
export function newestAlert(fetched: AlertItem, live: AlertItem | undefined): AlertItem {
  return live && live.id === fetched.id && live.version > fetched.version ? live : fetched;
}
