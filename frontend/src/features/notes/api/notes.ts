import { useMutation, useQuery } from 'urql';
import { graphql } from '@/gql';

graphql(`
  fragment NoteFields on Note {
    id
    tutorId
    authorId
    authorLabel
    body
    pinned
    editable
    version
    createdAt
    editedAt
  }
`);

/** A tutor's notes, pinned first, then newest first. */
export const tutorNotesQuery = graphql(`
  query TutorNotes($id: ID!) {
    tutor(id: $id) {
      id
      notes(first: 50) {
        ...NoteFields
      }
    }
  }
`);

export function useTutorNotes(id: string) {
  return useQuery({ query: tutorNotesQuery, variables: { id } });
}

export const addNoteMutation = graphql(`
  mutation AddNote($tutorId: ID!, $body: String!, $pinned: Boolean!) {
    addNote(tutorId: $tutorId, body: $body, pinned: $pinned) {
      ...NoteFields
    }
  }
`);

export const editNoteMutation = graphql(`
  mutation EditNote($id: ID!, $version: Int!, $body: String, $pinned: Boolean) {
    editNote(id: $id, version: $version, body: $body, pinned: $pinned) {
      ...NoteFields
    }
  }
`);

export function useNoteActions() {
  const [addState, add] = useMutation(addNoteMutation);
  const [editState, edit] = useMutation(editNoteMutation);
  return { add, edit, busy: addState.fetching || editState.fetching };
}
