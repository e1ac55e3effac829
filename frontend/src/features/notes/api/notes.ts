import { useMutation, useQuery, useSubscription } from 'urql';
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

/** Says when something happens to the tutor: a note by someone else among it. */
export const tutorNotesChangedSubscription = graphql(`
  subscription TutorNotesChanged($tutorId: ID!) {
    tutorTimeline(tutorId: $tutorId) {
      snapshot
      action
    }
  }
`);

/** Counts the stream's snapshots and note changes: the notes refetch when it changes. */
export function useNotesChanged(tutorId: string) {
  const [{ data }] = useSubscription(
    { query: tutorNotesChangedSubscription, variables: { tutorId } },
    (count: number = 0, message: { tutorTimeline: { snapshot: boolean; action?: string | null } }) =>
      message.tutorTimeline.snapshot || message.tutorTimeline.action?.startsWith('note.') ? count + 1 : count,
  );
  return data ?? 0;
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
