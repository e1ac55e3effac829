import { graphql } from '@/gql';

/** Every intervention change; the first message (and any after falling behind) is a snapshot marker. */
export const interventionChangesSubscription = graphql(`
  subscription InterventionChanges {
    interventionChanged {
      snapshot
      action
      intervention {
        ...InterventionFields
      }
    }
  }
`);
