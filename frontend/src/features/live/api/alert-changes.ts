import { graphql } from '@/gql';

/** Every alert change; the first message (and any after falling behind) is a snapshot marker. */
export const alertChangesSubscription = graphql(`
  subscription AlertChanges {
    alertChanged {
      snapshot
      action
      alert {
        ...AlertFields
      }
    }
  }
`);
