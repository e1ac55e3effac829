import { useId } from 'react';
import { Link } from 'react-router';
import type { AlertItem } from '@/lib/alert';
import { formatDateTime } from '@/lib/format';
import { useHighlightOnChange } from '@/lib/use-highlight-on-change';
import { alertTitle, dueText } from '../alert-text';
import type { Assignee, Viewer } from '../types';
import { AlertActions } from './AlertActions';
import { SeverityBadge, StatusBadge } from './AlertBadges';

interface AlertCardProps {
  alert: AlertItem;
  viewer: Viewer;
  assignees: readonly Assignee[];
  now: number;
  selected?: boolean;
  onSelect?: (selected: boolean) => void;
  onStale?: () => void;
}

/** One alert of the queue: what, who, how urgent, its evidence and the actions. */
export function AlertCard({ alert, viewer, assignees, now, selected, onSelect, onStale }: AlertCardProps) {
  const titleId = useId();
  const ref = useHighlightOnChange<HTMLElement>(alert.version);
  const due = dueText(alert, now);
  const title = alertTitle(alert);
  const tutorName = alert.tutor?.name ?? 'Unknown tutor';
  return (
    <article
      ref={ref}
      aria-labelledby={titleId}
      data-alert-id={alert.id}
      className={`flex flex-col gap-2 rounded-lg border bg-white p-3 shadow-sm sm:p-4 ${alert.overdue ? 'border-red-300' : 'border-slate-200'}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        {onSelect && (
          <input
            type="checkbox"
            checked={selected ?? false}
            onChange={(e) => onSelect(e.target.checked)}
            aria-label={`Select ${title} alert of ${tutorName}`}
            className="size-5"
          />
        )}
        <SeverityBadge severity={alert.severity} />
        <StatusBadge status={alert.status} resolution={alert.resolution} />
        {due && (
          <span className={`text-xs font-semibold ${alert.overdue ? 'text-red-800' : 'text-slate-600'}`} data-testid="alert-due">
            {alert.overdue && <span aria-hidden="true">⏰ </span>}
            {due}
          </span>
        )}
        {alert.reopenedCount > 0 && (
          <span className="text-xs text-slate-600">
            reopened {alert.reopenedCount} {alert.reopenedCount === 1 ? 'time' : 'times'}
          </span>
        )}
      </div>
      <h3 id={titleId} className="text-base font-semibold">
        <Link to={`/alerts/${alert.id}`} className="link">
          {title}
        </Link>
        <span className="text-slate-500"> · </span>
        {alert.tutor ? (
          <Link to={`/tutors/${alert.tutorId}`} className="link">
            {tutorName}
          </Link>
        ) : (
          tutorName
        )}
      </h3>
      {(alert.latestEvidence?.evidence ?? alert.summary) && (
        <p className="line-clamp-3 text-sm text-slate-700">{alert.latestEvidence?.evidence ?? alert.summary}</p>
      )}
      <p className="text-xs text-slate-600">
        {alert.assignee ? (
          <>
            Assigned to <strong className="font-semibold text-slate-800">{alert.assignee.name}</strong>
          </>
        ) : (
          'Unassigned'
        )}
        {' · opened '}
        <time dateTime={alert.openedAt}>{formatDateTime(alert.openedAt)}</time>
        {alert.status === 'SNOOZED' && alert.snoozedUntil && <> · snoozed until {formatDateTime(alert.snoozedUntil)}</>}
      </p>
      <AlertActions alert={alert} viewer={viewer} assignees={assignees} onStale={onStale} />
    </article>
  );
}
