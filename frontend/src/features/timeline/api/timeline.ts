import { graphql } from '@/gql';

/** A page of a tutor's timeline, newest first. */
export const tutorTimelineQuery = graphql(`
  query TutorTimeline($id: ID!, $first: Int!, $after: String) {
    tutor(id: $id) {
      id
      timeline(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            at
            kind
            action
            summary
            actorKind
            actorLabel
            subjectType
            subjectId
          }
        }
      }
    }
  }
`);

/** Says when the tutor's timeline has something new (snapshot first). */
export const tutorTimelineSubscription = graphql(`
  subscription TutorTimelineChanged($tutorId: ID!) {
    tutorTimeline(tutorId: $tutorId) {
      snapshot
      action
    }
  }
`);
