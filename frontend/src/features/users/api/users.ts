import { useMutation, useQuery } from 'urql';
import { graphql } from '@/gql';

export const usersQuery = graphql(`
  query Users {
    users {
      id
      name
      email
      role
      active
      createdAt
    }
  }
`);

export const createUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        id
        name
        email
        role
        active
        createdAt
      }
      oneTimePassword
    }
  }
`);

export const updateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
      name
      email
      role
      active
      createdAt
    }
  }
`);

export const resetPasswordMutation = graphql(`
  mutation ResetPassword($id: ID!) {
    resetPassword(id: $id) {
      oneTimePassword
    }
  }
`);

export function useUsers() {
  return useQuery({ query: usersQuery });
}

export function useUserMutations() {
  const [created, create] = useMutation(createUserMutation);
  const [updated, update] = useMutation(updateUserMutation);
  const [reset, resetPassword] = useMutation(resetPasswordMutation);
  return { create, update, resetPassword, busy: created.fetching || updated.fetching || reset.fetching };
}
