// One alert: what it is about, the evidence when it opened and now, the actions, and its history
// (every transition and action, with who did it and their note). Live like the queue.
import type { ReactNode } from 'react';
import type { AlertDetailQuery } from '@/gql/graphql';
import { Link } from 'react-router';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import type { AlertItem } from '@/lib/alert';
import { newestAlert } from '@/lib/alert';
import { formatDateTime } from '@/lib/format';
import { alertResolutionLabel, statusLabel } from '@/lib/labels';
import { useNow } from '@/lib/use-now';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useAssignees } from '../api/get-alerts';
import { useAlertDetail, type AlertHistoryEvent } from '../api/get-alert';
import { actorText, alertTitle, dueText, historyText } from '../alert-text';
import type { Viewer } from '../types';
import { AlertActions } from './AlertActions';
import { SeverityBadge, StatusBadge } from './AlertBadges';

interface AlertDetailPageProps {
  id: string;
  viewer: Viewer;
  /** This alert as last received live, if it changed since the page loaded. */
  liveAlert: AlertItem | undefined;
  resync: number;
  /** Other areas' panels about this alert (its interventions), shown after its evidence. */
  panels?: (alert: { tutorId: string; resolved: boolean }) => ReactNode;
}

export function AlertDetailPage({ id, viewer, liveAlert, resync, panels }: AlertDetailPageProps) {
  const [{ data, error }, refetch] = useAlertDetail(id);
  const [assigneesResult] = useAssignees(false);
  useRefetchOn(resync, refetch);
  useRefetchOn(liveAlert?.version, refetch);
  const now = useNow();
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  const back = (
    <Link to="/alerts" className="link text-sm">
      ← Alerts
    </Link>
  );
  if (error && !data) {
    return (
      <div className="flex flex-col gap-4">
        {back}
        <ErrorState title="Could not load this alert" error={error} onRetry={refresh} />
      </div>
    );
  }
  if (!data) {
    return (
      <div className="flex flex-col gap-4" role="status" aria-label="Loading alert">
        <Skeleton className="h-40 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (!data.alert) {
    return (
      <div className="flex flex-col gap-4">
        {back}
        <EmptyState title="No alert with this id" />
      </div>
    );
  }
  const fetched = data.alert;
  const alert = newestAlert(fetched, liveAlert);
  const people = assigneesResult.data?.assignees ?? [];
  const names = new Map(people.map((p) => [p.id, p.name]));
  if (alert.assignee) names.set(alert.assignee.id, alert.assignee.name);
  for (const event of fetched.history) if (event.actor) names.set(event.actor.id, event.actor.name);
  const due = dueText(alert, now);

  return (
    <div className="flex flex-col gap-4">
      {back}
      <header className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-center gap-2">
          <SeverityBadge severity={alert.severity} />
          <StatusBadge status={alert.status} resolution={alert.resolution} />
          {due && <span className={`text-sm font-semibold ${alert.overdue ? 'text-red-800' : 'text-slate-700'}`}>{due}</span>}
        </div>
        <h1 className="text-2xl font-bold">
          {alertTitle(alert)}:{' '}
          {alert.tutor ? (
            <Link to={`/tutors/${alert.tutorId}`} className="link">
              {alert.tutor.name}
            </Link>
          ) : (
            'unknown tutor'
          )}
        </h1>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <Item term="Assigned to">{alert.assignee?.name ?? 'Nobody'}</Item>
          <Item term="Opened">{formatDateTime(alert.openedAt)}</Item>
          <Item term="Acknowledge by">{formatDateTime(alert.ackDueAt)}</Item>
          {alert.acknowledgedAt && <Item term="Acknowledged">{formatDateTime(alert.acknowledgedAt)}</Item>}
          {alert.snoozedUntil && alert.status === 'SNOOZED' && <Item term="Snoozed until">{formatDateTime(alert.snoozedUntil)}</Item>}
          {alert.resolvedAt && (
            <Item term="Resolved">
              {formatDateTime(alert.resolvedAt)}
              {alert.resolution && ` (${alertResolutionLabel[alert.resolution]})`}
            </Item>
          )}
          {alert.reopenedCount > 0 && <Item term="Reopened">{alert.reopenedCount} times</Item>}
        </dl>
        <AlertActions alert={alert} viewer={viewer} assignees={people} onStale={refresh} />
      </header>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title="Evidence">
          {alert.latestEvidence ? (
            <div className="flex flex-col gap-3 text-sm">
              <div>
                <h3 className="font-semibold">Now</h3>
                <p>{alert.latestEvidence.evidence}</p>
              </div>
              {fetched.openingEvidence && fetched.openingEvidence.evidence !== alert.latestEvidence.evidence && (
                <div>
                  <h3 className="font-semibold">When it opened</h3>
                  <p className="text-slate-700">{fetched.openingEvidence.evidence}</p>
                </div>
              )}
              <div>
                <h3 className="font-semibold">Recommended</h3>
                <p>{alert.latestEvidence.recommendation}</p>
              </div>
            </div>
          ) : (
            <UpcomingEvidence alert={fetched} />
          )}
        </Panel>
        <Panel title="History">
          <History events={fetched.history} names={names} />
        </Panel>
        {panels?.({ tutorId: alert.tutorId, resolved: alert.status === 'RESOLVED' })}
      </div>
    </div>
  );
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-slate-600">{term}</dt>
      <dd className="font-medium">{children}</dd>
    </div>
  );
}

function History({ events, names }: { events: readonly AlertHistoryEvent[]; names: ReadonlyMap<string, string> }) {
  if (events.length === 0) return <EmptyState title="No history yet" />;
  return (
    <ol aria-label="Alert history, oldest first" className="flex flex-col gap-3 border-l-2 border-slate-200 pl-4">
      {events.map((event) => (
        <li key={event.id} className="relative text-sm">
          <span aria-hidden="true" className="absolute top-1.5 -left-[1.4rem] size-2.5 rounded-full bg-slate-400" />
          <p>
            <strong className="font-semibold">{historyText(event, names)}</strong> by {actorText(event)}
          </p>
          <p className="text-xs text-slate-600">
            <time dateTime={event.at}>{formatDateTime(event.at)}</time>
          </p>
          {event.note && <p className="mt-1 rounded bg-slate-50 p-2 text-slate-800">“{event.note}”</p>}
        </li>
      ))}
    </ol>
  );
}

/** What an upcoming-session alert is about: the booked session and why it is at risk. */
function UpcomingEvidence({ alert }: { alert: NonNullable<AlertDetailQuery['alert']> }) {
  if (alert.kind !== 'UPCOMING_SESSION') return <p className="text-sm text-slate-700">No evidence recorded.</p>;
  const { session, prediction } = alert;
  return (
    <div className="flex flex-col gap-3 text-sm">
      {alert.summary && <p>{alert.summary}</p>}
      {session && (
        <p className="text-slate-700">
          {session.studentRef}, {formatDateTime(session.scheduledStart)} ({session.scheduledMinutes} min), now{' '}
          {statusLabel[session.status].toLowerCase()}
        </p>
      )}
      {prediction && (
        <div>
          <h3 className="font-semibold">Why</h3>
          <ul className="list-disc pl-5" aria-label="Reasons">
            {prediction.reasons.map((r) => (
              <li key={r.text}>
                {r.text}: {r.points > 0 ? '+' : ''}
                {r.points.toFixed(1)} points
              </li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <h3 className="font-semibold">Recommended</h3>
        <p>Call the tutor before the session to confirm it, or arrange cover.</p>
      </div>
    </div>
  );
}
