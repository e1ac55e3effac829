import { graphql } from '@/gql';

/** Every tutor's score changes; the first message (and any after a resync) is a snapshot marker. */
export const scoreUpdatesSubscription = graphql(`
  subscription ScoreUpdates {
    tutorScoreUpdated {
      snapshot
      tutorId
      score {
        ...TutorScoreFields
      }
    }
  }
`);
