// The interventions about one tutor or one alert, on that tutor's or alert's page, with
// "Plan an intervention" for coaches. Live like the list.
import { useState } from 'react';
import { Link } from 'react-router';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { formatDateTime } from '@/lib/format';
import { newestIntervention, type InterventionItem } from '@/lib/intervention';
import { useNow } from '@/lib/use-now';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useInterventions } from '../api/get-interventions';
import type { Viewer } from '../types';
import { InterventionCard } from './InterventionCard';
import { PlanInterventionForm } from './PlanInterventionForm';

interface InterventionsPanelProps {
  tutorId: string;
  /** Only those answering this alert (on the alert's page); it is ticked in a new plan. */
  alertId?: string;
  /** The alert is resolved: nothing more to plan for it. */
  closed?: boolean;
  viewer: Viewer;
  liveInterventions: ReadonlyMap<string, InterventionItem>;
  interventionChanges: number;
  resync: number;
  className?: string;
}

export function InterventionsPanel({ tutorId, alertId, closed, viewer, liveInterventions, interventionChanges, resync, className }: InterventionsPanelProps) {
  const [{ data, error }, refetch] = useInterventions({
    filter: alertId ? { alertId } : { tutorId },
    sort: { field: 'DUE_AT', direction: 'DESC' },
    first: 25,
  });
  useRefetchOn(resync, refetch);
  useRefetchOn(interventionChanges, refetch, 300);
  const now = useNow();
  const [planning, setPlanning] = useState(false);
  const [planned, setPlanned] = useState<string | null>(null);
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  let body;
  if (error && !data) body = <ErrorState title="Could not load the interventions" error={error} onRetry={refresh} />;
  else if (!data) body = <Skeleton className="h-32 w-full" />;
  else {
    const items = data.interventions.edges.map(({ node }) => newestIntervention(node, liveInterventions.get(node.id)));
    body =
      items.length === 0 ? (
        <EmptyState title={alertId ? 'No intervention planned for this alert' : 'No interventions for this tutor'} />
      ) : (
        <ul aria-label={alertId ? 'Interventions for this alert' : 'Interventions for this tutor'} className="flex flex-col gap-3">
          {items.map((iv) => (
            <li key={iv.id}>
              <InterventionCard intervention={iv} viewer={viewer} now={now} hideTutor onStale={refresh} />
            </li>
          ))}
        </ul>
      );
  }
  const canPlan = viewer.canTriage && !closed;
  return (
    <Panel
      title="Interventions"
      className={className}
      aside={
        <span className="flex flex-wrap items-center gap-2 text-sm">
          {data && data.interventions.totalCount > 25 && (
            <Link to={`/interventions?who=all&status=any`} className="link">
              All {data.interventions.totalCount}
            </Link>
          )}
          {canPlan && !planning && (
            <button type="button" className="btn" onClick={() => { setPlanning(true); setPlanned(null); }}>
              Plan an intervention
            </button>
          )}
        </span>
      }
    >
      <div className="flex flex-col gap-3">
        {planned && (
          <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-2 text-sm text-emerald-900">
            {planned}
          </p>
        )}
        {planning && (
          <PlanInterventionForm
            tutorId={tutorId}
            viewer={viewer}
            preselected={alertId ? [alertId] : []}
            onClose={() => setPlanning(false)}
            onPlanned={(iv) => {
              setPlanning(false);
              setPlanned(`Planned: ${iv.typeLabel}, owned by ${iv.owner?.name ?? 'someone'}, due ${formatDateTime(iv.dueAt)}.`);
              refresh();
            }}
          />
        )}
        {body}
      </div>
    </Panel>
  );
}
