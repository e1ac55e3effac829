// The actions on one intervention, inline: complete it (with a note, and optionally resolving
// its alerts as ACTIONED), cancel it (with a reason), and, once done, the owner's own verdict.
// A failure is shown in words; a CONFLICT also refetches, to show the intervention as it is.
import { useState, type FormEvent } from 'react';
import type { CombinedError } from 'urql';
import type { OutcomeVerdict } from '@/gql/graphql';
import type { InterventionItem } from '@/lib/intervention';
import { assessableVerdicts, verdictLabel } from '@/lib/labels';
import { useInterventionActions } from '../api/intervention-actions';
import { actionErrorMessage, isConflict } from '../intervention-text';
import { mayAssess, type Viewer } from '../types';

type Open = 'complete' | 'cancel' | 'assess' | null;

interface InterventionActionsProps {
  intervention: InterventionItem;
  viewer: Viewer;
  onStale?: () => void;
}

export function InterventionActions({ intervention, viewer, onStale }: InterventionActionsProps) {
  const { complete, cancel, assess, busy } = useInterventionActions();
  const [open, setOpen] = useState<Open>(null);
  const [note, setNote] = useState('');
  const [resolveAlerts, setResolveAlerts] = useState(true);
  const [verdict, setVerdict] = useState<OutcomeVerdict>('IMPROVED');
  const [error, setError] = useState<string | null>(null);

  const planned = viewer.canTriage && intervention.status === 'PLANNED';
  const assessable = mayAssess(viewer, intervention);
  if (!planned && !assessable) return null;
  const target = { id: intervention.id, version: intervention.version };
  const unresolved = intervention.alerts.filter((a) => a.status !== 'RESOLVED').length;

  const toggle = (next: Open) => {
    setOpen(open === next ? null : next);
    setNote('');
    setError(null);
  };
  const finish = (result: { error?: CombinedError }) => {
    if (result.error) {
      setError(actionErrorMessage(result.error));
      if (isConflict(result.error)) onStale?.();
      return;
    }
    setError(null);
    setOpen(null);
    setNote('');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = note.trim() || null;
    if (open === 'complete') finish(await complete({ ...target, note: text, resolveAlerts: unresolved > 0 && resolveAlerts }));
    else if (open === 'cancel') finish(await cancel({ ...target, reason: text }));
    else if (open === 'assess') finish(await assess({ ...target, verdict, note: text }));
  };

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {planned && (
          <>
            <button type="button" className="btn" aria-expanded={open === 'complete'} disabled={busy} onClick={() => toggle('complete')}>
              Complete…
            </button>
            <button type="button" className="btn" aria-expanded={open === 'cancel'} disabled={busy} onClick={() => toggle('cancel')}>
              Cancel intervention…
            </button>
          </>
        )}
        {assessable && (
          <button type="button" className="btn" aria-expanded={open === 'assess'} disabled={busy} onClick={() => toggle('assess')}>
            {intervention.assessment ? 'Change your assessment…' : 'Assess…'}
          </button>
        )}
      </div>
      {open && (
        <form onSubmit={submit} className="flex flex-col gap-2 rounded-md border border-slate-200 bg-slate-50 p-3">
          {open === 'assess' && (
            <fieldset className="flex flex-col gap-1 text-sm">
              <legend className="font-medium">Your verdict (kept beside the measured outcome)</legend>
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                {assessableVerdicts.map((v) => (
                  <label key={v} className="flex items-center gap-2">
                    <input type="radio" name={`verdict-${intervention.id}`} value={v} checked={verdict === v} onChange={() => setVerdict(v)} className="size-4" />
                    {verdictLabel[v]}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          <label className="flex flex-col gap-1 text-sm font-medium">
            {open === 'complete' ? 'What was done (note)' : open === 'cancel' ? 'Why it is cancelled' : 'Why (note)'}
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={2000} className="field text-base" />
          </label>
          {open === 'complete' && unresolved > 0 && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={resolveAlerts} onChange={(e) => setResolveAlerts(e.target.checked)} className="size-5" />
              Resolve its {unresolved === 1 ? 'unresolved alert' : `${unresolved} unresolved alerts`} as actioned
            </label>
          )}
          <div className="flex flex-wrap gap-2">
            <button type="submit" className="btn" disabled={busy}>
              {open === 'complete' ? 'Mark done' : open === 'cancel' ? 'Cancel the intervention' : 'Save assessment'}
            </button>
            <button type="button" className="btn" onClick={() => toggle(null)}>
              Back
            </button>
          </div>
        </form>
      )}
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          {error}
        </p>
      )}
    </div>
  );
}
