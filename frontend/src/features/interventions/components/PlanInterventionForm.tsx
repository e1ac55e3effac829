// Plans an intervention for some of a tutor's unresolved alerts: a type from the configured
// list, an owner (the planner by default), a due date (left empty, the server sets it from the
// alerts' severity), notes. The planned intervention's due date is shown once it exists.
import { useId, useState, type FormEvent } from 'react';
import { Skeleton } from '@/components/Skeleton';
import { ErrorState } from '@/components/States';
import type { InterventionItem } from '@/lib/intervention';
import { formatDateTime } from '@/lib/format';
import { alertSeverityLabel, flagLabel } from '@/lib/labels';
import { usePlanIntervention } from '../api/intervention-actions';
import { useInterventionChoices, useTutorOpenAlerts } from '../api/get-interventions';
import { actionErrorMessage, endOfDay } from '../intervention-text';
import type { Viewer } from '../types';

interface PlanInterventionFormProps {
  tutorId: string;
  viewer: Viewer;
  /** Alerts ticked at first (the alert the coach came from). */
  preselected?: readonly string[];
  onPlanned?: (intervention: InterventionItem) => void;
  onClose: () => void;
}

export function PlanInterventionForm({ tutorId, viewer, preselected = [], onPlanned, onClose }: PlanInterventionFormProps) {
  const ids = useId();
  const [choices, refetchChoices] = useInterventionChoices();
  const [alertsResult, refetchAlerts] = useTutorOpenAlerts(tutorId);
  const [planState, plan] = usePlanIntervention();
  const [type, setType] = useState('');
  const [owner, setOwner] = useState<string>(viewer.userId ?? '');
  const [due, setDue] = useState('');
  const [notes, setNotes] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set(preselected));
  const [error, setError] = useState<string | null>(null);

  const failed = choices.error ?? alertsResult.error;
  if (failed && (!choices.data || !alertsResult.data)) {
    return (
      <ErrorState
        title="Could not load what an intervention needs"
        error={failed}
        onRetry={() => {
          refetchChoices({ requestPolicy: 'network-only' });
          refetchAlerts({ requestPolicy: 'network-only' });
        }}
      />
    );
  }
  if (!choices.data || !alertsResult.data) return <Skeleton className="h-64 w-full" />;

  const types = choices.data.interventionTypes;
  const people = choices.data.assignees;
  const alerts = alertsResult.data.tutor?.alerts ?? [];
  const chosenType = type || types[0]?.code || '';
  const chosen = alerts.filter((a) => picked.has(a.id));
  const critical = chosen.some((a) => a.severity === 'CRITICAL');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) {
      setError('Choose at least one alert it answers.');
      return;
    }
    const result = await plan({
      input: {
        tutorId,
        alertIds: chosen.map((a) => a.id),
        type: chosenType,
        ownerId: owner || null,
        dueAt: due ? endOfDay(due) : null,
        notes: notes.trim() || null,
      },
    });
    if (result.error || !result.data) {
      setError(result.error ? actionErrorMessage(result.error) : 'The server returned nothing.');
      return;
    }
    setError(null);
    onPlanned?.(result.data.planIntervention);
  };

  return (
    <form onSubmit={submit} aria-label="Plan an intervention" className="flex flex-col gap-3 rounded-md border border-blue-200 bg-blue-50/50 p-3">
      {alerts.length === 0 ? (
        <p className="text-sm text-slate-700">This tutor has no unresolved alerts: an intervention answers at least one.</p>
      ) : (
        <fieldset className="flex flex-col gap-1 text-sm">
          <legend className="font-medium">Alerts it answers</legend>
          {alerts.map((a) => (
            <label key={a.id} className="flex items-center gap-2">
              <input
                type="checkbox"
                className="size-5"
                checked={picked.has(a.id)}
                onChange={(e) =>
                  setPicked((s) => {
                    const next = new Set(s);
                    if (e.target.checked) next.add(a.id);
                    else next.delete(a.id);
                    return next;
                  })
                }
              />
              {a.kind === 'UPCOMING_SESSION' ? 'Upcoming session at risk' : a.flag ? flagLabel[a.flag] : 'Flag'} ·{' '}
              {alertSeverityLabel[a.severity]} · opened {formatDateTime(a.openedAt)}
            </label>
          ))}
        </fieldset>
      )}
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Type
          <select value={chosenType} onChange={(e) => setType(e.target.value)} className="field">
            {types.map((t) => (
              <option key={t.code} value={t.code}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Owner
          <select value={owner} onChange={(e) => setOwner(e.target.value)} className="field">
            {!viewer.userId && <option value="">Choose a person…</option>}
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id === viewer.userId ? `${p.name} (me)` : p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Due date
          <input type="date" value={due} onChange={(e) => setDue(e.target.value)} className="field" aria-describedby={`${ids}-due`} />
        </label>
      </div>
      <p id={`${ids}-due`} className="text-xs text-slate-700" data-testid="due-default">
        {due
          ? `Due at the end of ${due}.`
          : `Left empty, the server sets it from the alerts’ severity: ${chosen.length === 0 ? 'choose an alert' : critical ? 'critical, so INTERVENTION_DUE_DAYS_CRITICAL days (2 unless configured)' : 'warning, so INTERVENTION_DUE_DAYS_WARNING days (7 unless configured)'}; the date is shown once planned.`}
      </p>
      <label className="flex flex-col gap-1 text-sm font-medium">
        What you plan to do (notes)
        <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} maxLength={4000} className="field text-base" />
      </label>
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn" disabled={planState.fetching || alerts.length === 0}>
          Plan intervention
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          {error}
        </p>
      )}
    </form>
  );
}
