import { graphql } from '@/gql';

/** Every tutor's risk-level changes; the first message is a snapshot marker without a change. */
export const riskChangesSubscription = graphql(`
  subscription RiskChanges {
    riskLevelChanged {
      snapshot
      change {
        tutorId
        tutorName
        from
        to
        flags
        at
        version
      }
    }
  }
`);
