// A tutor's alerts on the tutor page: the open ones first with their actions, then the
// resolved ones, each linking to its history.
import { Link } from 'react-router';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { newestAlert, type AlertItem } from '@/lib/alert';
import { formatDateTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useAssignees } from '../api/get-alerts';
import { useTutorAlerts } from '../api/get-alert';
import { alertTitle, dueText } from '../alert-text';
import type { Viewer } from '../types';
import { AlertActions } from './AlertActions';
import { SeverityBadge, StatusBadge } from './AlertBadges';

interface TutorAlertsPanelProps {
  tutorId: string;
  viewer: Viewer;
  liveAlerts: ReadonlyMap<string, AlertItem>;
  alertChanges: number;
  resync: number;
}

export function TutorAlertsPanel({ tutorId, viewer, liveAlerts, alertChanges, resync }: TutorAlertsPanelProps) {
  const [{ data, error }, refetch] = useTutorAlerts(tutorId);
  const [assigneesResult] = useAssignees(!viewer.canTriage);
  useRefetchOn(resync, refetch);
  useRefetchOn(alertChanges, refetch, 500);
  const now = useNow();
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  let body;
  if (error && !data) body = <ErrorState title="Could not load the alerts" error={error} onRetry={refresh} />;
  else if (!data) body = <Skeleton className="h-32 w-full" />;
  else {
    const alerts = (data.tutor?.alerts ?? []).map((a) => newestAlert(a, liveAlerts.get(a.id)));
    const open = alerts.filter((a) => a.status !== 'RESOLVED');
    const closed = alerts.filter((a) => a.status === 'RESOLVED');
    body =
      alerts.length === 0 ? (
        <EmptyState title="No alerts for this tutor" />
      ) : (
        <div className="flex flex-col gap-4">
          {open.length > 0 && (
            <ul aria-label="Unresolved alerts" className="flex flex-col gap-3">
              {open.map((alert) => (
                <li key={alert.id} className="flex flex-col gap-2 rounded-md border border-slate-200 p-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <SeverityBadge severity={alert.severity} />
                    <StatusBadge status={alert.status} />
                    <Link to={`/alerts/${alert.id}`} className="link">
                      {alertTitle(alert)}
                    </Link>
                    <span className={`text-xs ${alert.overdue ? 'font-semibold text-red-800' : 'text-slate-600'}`}>{dueText(alert, now)}</span>
                  </div>
                  <p className="text-xs text-slate-600">{alert.assignee ? `Assigned to ${alert.assignee.name}` : 'Unassigned'}</p>
                  <AlertActions alert={alert} viewer={viewer} assignees={assigneesResult.data?.assignees ?? []} onStale={refresh} />
                </li>
              ))}
            </ul>
          )}
          {closed.length > 0 && (
            <div>
              <h3 className="mb-1 text-sm font-semibold">Resolved</h3>
              <ul aria-label="Resolved alerts" className="flex flex-col divide-y divide-slate-200 text-sm">
                {closed.map((alert) => (
                  <li key={alert.id} className="flex flex-wrap items-center gap-2 py-1.5">
                    <Link to={`/alerts/${alert.id}`} className="link">
                      {alertTitle(alert)}
                    </Link>
                    <StatusBadge status={alert.status} resolution={alert.resolution} />
                    {alert.resolvedAt && <span className="text-xs text-slate-600">{formatDateTime(alert.resolvedAt)}</span>}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      );
  }
  return (
    <Panel title="Alerts" className="lg:col-span-2">
      {body}
    </Panel>
  );
}
