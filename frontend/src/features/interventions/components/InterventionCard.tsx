// One intervention: what, for whom, whose, by when (overdue marked), the alerts it answers,
// what the follow-up measured (per flag, with the sentence) beside the owner's own verdict,
// and the actions.
import { useId } from 'react';
import { Link } from 'react-router';
import type { InterventionItem } from '@/lib/intervention';
import { formatDateTime } from '@/lib/format';
import { alertResolutionLabel, alertSeverityLabel, flagLabel } from '@/lib/labels';
import { useHighlightOnChange } from '@/lib/use-highlight-on-change';
import { dueText, pendingOutcomeText } from '../intervention-text';
import type { Viewer } from '../types';
import { InterventionStatusBadge, VerdictBadge } from './Badges';
import { InterventionActions } from './InterventionActions';

interface InterventionCardProps {
  intervention: InterventionItem;
  viewer: Viewer;
  now: number;
  /** Leave out the tutor's name (on the tutor's own page). */
  hideTutor?: boolean;
  onStale?: () => void;
}

export function InterventionCard({ intervention: iv, viewer, now, hideTutor, onStale }: InterventionCardProps) {
  const titleId = useId();
  const ref = useHighlightOnChange<HTMLElement>(iv.version);
  const due = dueText(iv, now);
  const pending = iv.outcome ? null : pendingOutcomeText(iv, now);
  return (
    <article
      ref={ref}
      aria-labelledby={titleId}
      data-intervention-id={iv.id}
      className={`flex flex-col gap-2 rounded-lg border bg-white p-3 shadow-sm sm:p-4 ${iv.overdue ? 'border-red-300' : 'border-slate-200'}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <InterventionStatusBadge status={iv.status} />
        <span className={`text-xs font-semibold ${iv.overdue ? 'text-red-800' : 'text-slate-600'}`} data-testid="intervention-due">
          {iv.overdue && <span aria-hidden="true">⏰ </span>}
          {due}
        </span>
        {iv.status === 'PLANNED' && (
          <span className="text-xs text-slate-600">
            (by <time dateTime={iv.dueAt}>{formatDateTime(iv.dueAt)}</time>)
          </span>
        )}
      </div>
      <h3 id={titleId} className="text-base font-semibold">
        {iv.typeLabel}
        {!hideTutor && (
          <>
            <span className="text-slate-500"> · </span>
            {iv.tutor ? (
              <Link to={`/tutors/${iv.tutorId}`} className="link">
                {iv.tutor.name}
              </Link>
            ) : (
              'Unknown tutor'
            )}
          </>
        )}
      </h3>
      <p className="text-xs text-slate-600">
        Owner <strong className="font-semibold text-slate-800">{iv.owner?.name ?? 'someone no longer active'}</strong> · planned by {iv.plannedBy}{' '}
        <time dateTime={iv.createdAt}>{formatDateTime(iv.createdAt)}</time>
      </p>
      {iv.notes && <p className="text-sm whitespace-pre-line text-slate-800">{iv.notes}</p>}
      {iv.alerts.length > 0 && (
        <ul aria-label="Alerts it answers" className="flex flex-wrap gap-2 text-xs">
          {iv.alerts.map((a) => (
            <li key={a.id}>
              <Link to={`/alerts/${a.id}`} className="link rounded bg-slate-100 px-1.5 py-0.5" data-testid="intervention-alert">
                {a.kind === 'UPCOMING_SESSION' ? 'Upcoming session' : a.flag ? flagLabel[a.flag] : 'Flag'} ({alertSeverityLabel[a.severity].toLowerCase()}
                {a.status === 'RESOLVED' ? `, resolved${a.resolution ? `: ${alertResolutionLabel[a.resolution].toLowerCase()}` : ''}` : ''})
              </Link>
            </li>
          ))}
        </ul>
      )}
      {iv.completionNote && <p className="rounded bg-slate-50 p-2 text-sm text-slate-800">Done: “{iv.completionNote}”</p>}
      {iv.cancelReason && <p className="rounded bg-slate-50 p-2 text-sm text-slate-800">Cancelled: “{iv.cancelReason}”</p>}
      {iv.status !== 'PLANNED' && (iv.outcome || pending || iv.assessment) && (
        <dl className="grid gap-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-xs text-slate-600">Measured outcome</dt>
            <dd data-testid="intervention-outcome">
              {iv.outcome ? <VerdictBadge verdict={iv.outcome} /> : <span className="text-slate-700">{pending}</span>}
              {iv.outcomes.length > 0 && (
                <ul className="mt-1 flex flex-col gap-1 text-xs text-slate-700">
                  {iv.outcomes.map((o, i) => (
                    <li key={o.flag ?? i}>
                      {o.flag && <strong className="font-semibold">{flagLabel[o.flag]}: </strong>}
                      {o.sentence}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600">Owner’s assessment</dt>
            <dd data-testid="intervention-assessment">
              {iv.assessment ? (
                <>
                  <VerdictBadge verdict={iv.assessment} />
                  {iv.assessmentNote && <p className="mt-1 text-xs text-slate-700">“{iv.assessmentNote}”</p>}
                </>
              ) : (
                <span className="text-slate-700">{iv.status === 'DONE' ? 'None yet' : '—'}</span>
              )}
            </dd>
          </div>
        </dl>
      )}
      <InterventionActions intervention={iv} viewer={viewer} onStale={onStale} />
    </article>
  );
}
