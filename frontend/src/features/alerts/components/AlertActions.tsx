// The actions a coach takes on one alert, inline: acknowledge, assign (to themselves or
// someone), snooze, resolve as actioned or dismiss as a false alarm, with a note. Each failure
// is shown beside the buttons in words (a CONFLICT means someone else acted first).
import { useId, useState, type FormEvent } from 'react';
import type { AlertResolution } from '@/gql/graphql';
import type { AlertItem } from '@/lib/alert';
import type { CombinedError } from 'urql';
import { useAlertActions } from '../api/alert-actions';
import { actionErrorMessage } from '../alert-text';
import type { Assignee, Viewer } from '../types';

interface AlertActionsProps {
  alert: AlertItem;
  viewer: Viewer;
  assignees: readonly Assignee[];
  /** Called after a CONFLICT, to show the alert as it is now. */
  onStale?: () => void;
}

const snoozeChoices = [
  { hours: 24, label: '1 day' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
];

export function AlertActions({ alert, viewer, assignees, onStale }: AlertActionsProps) {
  const { acknowledge, assign, snooze, resolve, busy } = useAlertActions();
  const [error, setError] = useState<string | null>(null);
  const [resolving, setResolving] = useState<AlertResolution | null>(null);
  const [note, setNote] = useState('');
  const [assignTo, setAssignTo] = useState('');
  const [snoozeHours, setSnoozeHours] = useState(24);
  const ids = useId();

  if (!viewer.canTriage || alert.status === 'RESOLVED') return null;
  const target = { id: alert.id, version: alert.version };

  const done = (result: { error?: CombinedError }) => {
    if (result.error) {
      setError(actionErrorMessage(result.error));
      if (result.error.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT')) onStale?.();
      return false;
    }
    setError(null);
    return true;
  };

  const submitResolution = async (event: FormEvent) => {
    event.preventDefault();
    if (!resolving) return;
    const ok = done(await resolve({ ...target, resolution: resolving, note: note.trim() || null }));
    if (ok) {
      setResolving(null);
      setNote('');
    }
  };

  const mine = viewer.userId !== null && alert.assignee?.id === viewer.userId;
  const others = assignees.filter((a) => a.id !== alert.assignee?.id);

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {(alert.status === 'OPEN' || alert.status === 'SNOOZED') && (
          <button type="button" className="btn" disabled={busy} onClick={async () => done(await acknowledge(target))}>
            Acknowledge
          </button>
        )}
        {viewer.userId && !mine && (
          <button type="button" className="btn" disabled={busy} onClick={async () => done(await assign({ ...target, assigneeId: viewer.userId }))}>
            Assign to me
          </button>
        )}
        <button
          type="button"
          className="btn"
          aria-expanded={resolving === 'ACTIONED'}
          disabled={busy}
          onClick={() => setResolving(resolving === 'ACTIONED' ? null : 'ACTIONED')}
        >
          Resolve…
        </button>
        <button
          type="button"
          className="btn"
          aria-expanded={resolving === 'FALSE_ALARM'}
          disabled={busy}
          onClick={() => setResolving(resolving === 'FALSE_ALARM' ? null : 'FALSE_ALARM')}
        >
          False alarm…
        </button>
      </div>

      {resolving && (
        <form onSubmit={submitResolution} className="flex flex-col gap-2 rounded-md border border-slate-200 bg-slate-50 p-3">
          <label className="flex flex-col gap-1 text-sm font-medium">
            {resolving === 'ACTIONED' ? 'What was done (note)' : 'Why the flag is wrong (note)'}
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={2000} className="field text-base" />
          </label>
          <div className="flex flex-wrap gap-2">
            <button type="submit" className="btn" disabled={busy}>
              {resolving === 'ACTIONED' ? 'Resolve as actioned' : 'Dismiss as false alarm'}
            </button>
            <button type="button" className="btn" onClick={() => setResolving(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}

      <details className="text-sm">
        <summary className="cursor-pointer text-slate-700 select-none">Assign to someone else or snooze</summary>
        <div className="mt-2 flex flex-col gap-2">
          <div className="flex flex-wrap items-end gap-2">
            <label htmlFor={`${ids}-assignee`} className="sr-only">
              Assign to
            </label>
            <select id={`${ids}-assignee`} value={assignTo} onChange={(e) => setAssignTo(e.target.value)} className="field">
              <option value="">Choose a person…</option>
              {others.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
              {alert.assignee && <option value="nobody">Nobody (unassign)</option>}
            </select>
            <button
              type="button"
              className="btn"
              disabled={busy || assignTo === ''}
              onClick={async () => {
                if (done(await assign({ ...target, assigneeId: assignTo === 'nobody' ? null : assignTo }))) setAssignTo('');
              }}
            >
              Assign
            </button>
          </div>
          <div className="flex flex-wrap items-end gap-2">
            <label htmlFor={`${ids}-snooze`} className="sr-only">
              Snooze for
            </label>
            <select id={`${ids}-snooze`} value={snoozeHours} onChange={(e) => setSnoozeHours(Number(e.target.value))} className="field">
              {snoozeChoices.map((c) => (
                <option key={c.hours} value={c.hours}>
                  {c.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={async () => done(await snooze({ ...target, until: new Date(Date.now() + snoozeHours * 3_600_000).toISOString() }))}
            >
              Snooze
            </button>
          </div>
        </div>
      </details>

      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          {error}
        </p>
      )}
    </div>
  );
}
