// Notes on a tutor: add one (pinned or not), pin and unpin any, and change the text of one's
// own within the server's edit window (after it, the note is kept as written). Text is shown
// as text, never as HTML. Live: another person's note appears when the tutor's stream says so.
import { useState, type FormEvent } from 'react';
import type { CombinedError } from 'urql';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import type { NoteFieldsFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useNoteActions, useNotesChanged, useTutorNotes } from '../api/notes';

const MAX_LENGTH = 4000;

interface NotesPanelProps {
  tutorId: string;
  /** May write notes (coaches and admins). */
  canWrite: boolean;
  /** The signed-in person's id: only a note's author may change its text. */
  userId: string | null;
  /** Changes when something happened to the tutor: the notes refetch. */
  signal: unknown;
}

function errorText(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  switch (first?.extensions?.code) {
    case 'CONFLICT':
      return 'Someone changed this note first, or its edit window has closed. It now shows as it is.';
    case 'FORBIDDEN':
      return 'You cannot change this note (only its author, for a short while after writing it).';
    case 'BAD_USER_INPUT':
      return `Not possible: ${first.message.replace(/^[a-zA-Z.[\]0-9]+: /, '')}`;
  }
  return first?.message ?? error.message;
}

export function NotesPanel({ tutorId, canWrite, userId, signal }: NotesPanelProps) {
  const [{ data, error }, refetch] = useTutorNotes(tutorId);
  useRefetchOn(signal, refetch, 300);
  useRefetchOn(useNotesChanged(tutorId), refetch, 300);
  const { add, busy } = useNoteActions();
  const [body, setBody] = useState('');
  const [pinned, setPinned] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    const result = await add({ tutorId, body: text, pinned });
    if (result.error) {
      setFailure(errorText(result.error));
      return;
    }
    setFailure(null);
    setBody('');
    setPinned(false);
    refresh();
  };

  let list;
  if (error && !data) list = <ErrorState title="Could not load the notes" error={error} onRetry={refresh} />;
  else if (!data) list = <Skeleton className="h-24 w-full" />;
  else {
    const notes = data.tutor?.notes ?? [];
    list =
      notes.length === 0 ? (
        <EmptyState title="No notes yet" />
      ) : (
        <ul aria-label="Notes, pinned first" className="flex flex-col gap-2">
          {notes.map((note) => (
            <li key={note.id}>
              <NoteItem note={note} canWrite={canWrite} mine={userId !== null && note.authorId === userId} onStale={refresh} />
            </li>
          ))}
        </ul>
      );
  }

  return (
    <Panel title="Notes">
      <div className="flex flex-col gap-3">
        {canWrite && (
          <form onSubmit={submit} aria-label="Add a note" className="flex flex-col gap-2">
            <label className="flex flex-col gap-1 text-sm font-medium">
              New note
              <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={2} maxLength={MAX_LENGTH} className="field text-base" />
            </label>
            <div className="flex flex-wrap items-center gap-3">
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.target.checked)} className="size-5" />
                Pin it
              </label>
              <button type="submit" className="btn" disabled={busy || body.trim() === ''}>
                Add note
              </button>
            </div>
            {failure && (
              <p role="alert" className="text-sm text-red-900">
                {failure}
              </p>
            )}
          </form>
        )}
        {list}
      </div>
    </Panel>
  );
}

function NoteItem({ note, canWrite, mine, onStale }: { note: NoteFieldsFragment; canWrite: boolean; mine: boolean; onStale: () => void }) {
  const { edit, busy } = useNoteActions();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(note.body);
  const [failure, setFailure] = useState<string | null>(null);

  const change = async (vars: { body?: string; pinned?: boolean }) => {
    const result = await edit({ id: note.id, version: note.version, ...vars });
    if (result.error) {
      setFailure(errorText(result.error));
      onStale();
      return false;
    }
    setFailure(null);
    return true;
  };

  return (
    <article data-note-id={note.id} className={`flex flex-col gap-1 rounded-md border p-2 text-sm ${note.pinned ? 'border-amber-300 bg-amber-50' : 'border-slate-200'}`}>
      <p className="text-xs text-slate-600">
        {note.pinned && <strong className="font-semibold text-amber-900">Pinned · </strong>}
        {note.authorLabel} · <time dateTime={note.createdAt}>{formatDateTime(note.createdAt)}</time>
        {note.editedAt && <> · edited {formatDateTime(note.editedAt)}</>}
      </p>
      {editing ? (
        <form
          className="flex flex-col gap-2"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await change({ body: text.trim() })) setEditing(false);
          }}
        >
          <label className="sr-only" htmlFor={`note-${note.id}`}>
            Note text
          </label>
          <textarea id={`note-${note.id}`} value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={MAX_LENGTH} className="field text-base" />
          <div className="flex gap-2">
            <button type="submit" className="btn" disabled={busy || text.trim() === ''}>
              Save
            </button>
            <button type="button" className="btn" onClick={() => setEditing(false)}>
              Back
            </button>
          </div>
        </form>
      ) : (
        <p className="break-words whitespace-pre-line text-slate-900" data-testid="note-body">
          {note.body}
        </p>
      )}
      {canWrite && !editing && (
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn" disabled={busy} onClick={() => change({ pinned: !note.pinned })}>
            {note.pinned ? 'Unpin' : 'Pin'}
          </button>
          {mine && note.editable && (
            <button
              type="button"
              className="btn"
              onClick={() => {
                setText(note.body);
                setEditing(true);
              }}
            >
              Edit
            </button>
          )}
        </div>
      )}
      {failure && (
        <p role="alert" className="text-sm text-red-900">
          {failure}
        </p>
      )}
    </article>
  );
}
