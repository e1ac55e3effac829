import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { MeQuery } from '@/gql/graphql';

/** Who the dashboard is acting as: a signed-in person, an API key, or the open server's local admin. */
export const meQuery = graphql(`
  query Me {
    me {
      kind
      label
      canRecord
      canTriage
      canAdminister
      user {
        id
        name
        email
        role
      }
    }
  }
`);

export type Me = MeQuery['me'];

export function useMe() {
  return useQuery({ query: meQuery, requestPolicy: 'network-only' });
}
