// The triage queue: the alerts to work, most urgent first, with the filters in the URL and the
// actions inline and for a selection. Live: every alert change received replaces the shown
// alert at once, and the list refetches (throttled) so that alerts enter and leave the view.
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { ExportLink } from '@/components/ExportLink';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import type { AlertSeverity, AlertSortField } from '@/gql/graphql';
import { newestAlert, type AlertItem } from '@/lib/alert';
import { exportUrl } from '@/lib/export';
import { alertSeverityLabel } from '@/lib/labels';
import { useNow } from '@/lib/use-now';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { acknowledgeAlertsMutation, assignAlertsMutation } from '../api/alert-actions';
import { useAlerts, useAssignees } from '../api/get-alerts';
import {
  defaultQueueState,
  isNarrowed,
  MAX_LIMIT,
  PAGE_SIZE,
  parseQueueState,
  serializeQueueState,
  sortChoices,
  sortLabel,
  statusChoiceLabel,
  statusChoices,
  toAlertsVariables,
  whoChoices,
  whoLabel,
  type QueueState,
  type StatusChoice,
  type Who,
} from '../queue-state';
import type { Viewer } from '../types';
import { AlertCard } from './AlertCard';

/** Alert changes come in bursts (a recompute touches several): refetch at most this often. */
const LIVE_REFETCH_MS = 300;

interface AlertsPageProps {
  viewer: Viewer;
  liveAlerts: ReadonlyMap<string, AlertItem>;
  /** Changes with every live alert change: the list refetches. */
  alertChanges: number;
  resync: number;
}

export function AlertsPage({ viewer, liveAlerts, alertChanges, resync }: AlertsPageProps) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signedIn = viewer.userId !== null;
  const state = parseQueueState(params, signedIn);
  const [{ data, error, fetching }, refetch] = useAlerts(toAlertsVariables(state));
  const [assigneesResult] = useAssignees(!viewer.canTriage);
  useRefetchOn(resync, refetch);
  useRefetchOn(alertChanges, refetch, LIVE_REFETCH_MS);
  const now = useNow();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const show = (next: QueueState) => {
    setSelected(new Set());
    navigate({ search: serializeQueueState(next, signedIn).toString() }, { replace: true });
  };
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  const assignees = assigneesResult.data?.assignees ?? [];
  const alerts = data?.alerts.edges.map(({ node }) => newestAlert(node, liveAlerts.get(node.id))) ?? [];
  const chosen = alerts.filter((a) => selected.has(a.id));
  const { filter, sort } = toAlertsVariables(state);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Alerts</h1>
        <div className="flex flex-wrap items-center gap-3">
          {data && (
            <p className="text-sm text-slate-700" data-testid="alert-count" aria-live="polite">
              {data.alerts.totalCount} {data.alerts.totalCount === 1 ? 'alert' : 'alerts'}
            </p>
          )}
          <ExportLink href={exportUrl('alerts', { filter, sort })} what="these alerts" />
        </div>
      </div>
      <QueueFilters state={state} signedIn={signedIn} onChange={show} />
      {viewer.canTriage && chosen.length > 0 && (
        <BulkBar alerts={chosen} viewer={viewer} onClear={() => setSelected(new Set())} onStale={refresh} />
      )}
      {error && !data ? (
        <ErrorState title="Could not load the alerts" error={error} onRetry={refresh} />
      ) : !data ? (
        <div className="flex flex-col gap-3" role="status" aria-label="Loading alerts">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-36 w-full" />
          ))}
        </div>
      ) : alerts.length === 0 ? (
        <EmptyState title={isNarrowed(state, signedIn) ? 'No alerts match these filters' : 'Nothing to triage: the queue is empty'}>
          {isNarrowed(state, signedIn) && (
            <button type="button" className="link" onClick={() => show(defaultQueueState(signedIn))}>
              Back to the default view
            </button>
          )}
        </EmptyState>
      ) : (
        <>
          <ul aria-label="Alerts, most urgent first" aria-busy={fetching} className="grid gap-3 xl:grid-cols-2">
            {alerts.map((alert) => (
              <li key={alert.id}>
                <AlertCard
                  alert={alert}
                  viewer={viewer}
                  assignees={assignees}
                  now={now}
                  selected={selected.has(alert.id)}
                  onSelect={
                    viewer.canTriage && alert.status !== 'RESOLVED'
                      ? (on) =>
                          setSelected((s) => {
                            const next = new Set(s);
                            if (on) next.add(alert.id);
                            else next.delete(alert.id);
                            return next;
                          })
                      : undefined
                  }
                  onStale={refresh}
                />
              </li>
            ))}
          </ul>
          {data.alerts.pageInfo.hasNextPage &&
            (state.limit < MAX_LIMIT ? (
              <button type="button" className="btn self-center" onClick={() => show({ ...state, limit: Math.min(state.limit + PAGE_SIZE, MAX_LIMIT) })}>
                Show more
              </button>
            ) : (
              <p className="text-center text-sm text-slate-600">Showing the first {MAX_LIMIT}: narrow the filters to see others.</p>
            ))}
        </>
      )}
    </div>
  );
}

function QueueFilters({ state, signedIn, onChange }: { state: QueueState; signedIn: boolean; onChange: (next: QueueState) => void }) {
  const whos = whoChoices.filter((w) => signedIn || (w !== 'mine' && w !== 'mine-or-unassigned'));
  return (
    <form role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()} className="grid grid-cols-2 gap-3 sm:flex sm:flex-wrap sm:items-end">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Whose
        <select value={state.who} onChange={(e) => onChange({ ...state, who: e.target.value as Who, limit: PAGE_SIZE })} className="field">
          {whos.map((w) => (
            <option key={w} value={w}>
              {whoLabel[w]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Status
        <select
          value={state.status}
          onChange={(e) => onChange({ ...state, status: e.target.value as StatusChoice, limit: PAGE_SIZE })}
          className="field"
        >
          {statusChoices.map((s) => (
            <option key={s} value={s}>
              {statusChoiceLabel[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Severity
        <select
          value={state.severity ?? ''}
          onChange={(e) => onChange({ ...state, severity: (e.target.value || null) as AlertSeverity | null, limit: PAGE_SIZE })}
          className="field"
        >
          <option value="">Any</option>
          {(['CRITICAL', 'WARNING'] as const).map((s) => (
            <option key={s} value={s}>
              {alertSeverityLabel[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Sort by
        <select value={state.sort} onChange={(e) => onChange({ ...state, sort: e.target.value as AlertSortField })} className="field">
          {sortChoices.map((s) => (
            <option key={s} value={s}>
              {sortLabel[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="col-span-2 flex items-center gap-2 text-sm font-medium sm:pb-2">
        <input
          type="checkbox"
          checked={state.overdueOnly}
          onChange={(e) => onChange({ ...state, overdueOnly: e.target.checked, limit: PAGE_SIZE })}
          className="size-5"
        />
        Overdue only
      </label>
    </form>
  );
}

/** Actions on the selected alerts, each on its own: the ones that failed say why. */
function BulkBar({ alerts, viewer, onClear, onStale }: { alerts: AlertItem[]; viewer: Viewer; onClear: () => void; onStale: () => void }) {
  const [ackState, acknowledgeAll] = useMutation(acknowledgeAlertsMutation);
  const [assignState, assignAll] = useMutation(assignAlertsMutation);
  const [outcome, setOutcome] = useState<string | null>(null);
  const busy = ackState.fetching || assignState.fetching;
  const targets = alerts.map((a) => ({ id: a.id, version: a.version }));

  const report = (results: readonly { error?: { message: string } | null }[] | undefined, failure?: { message: string }) => {
    if (!results) {
      setOutcome(`Nothing changed: ${failure?.message ?? 'the server refused'}`);
      return;
    }
    const failed = results.filter((r) => r.error);
    if (failed.length === 0) {
      setOutcome(null);
      onClear();
      return;
    }
    setOutcome(`${results.length - failed.length} done, ${failed.length} failed: ${failed.map((r) => r.error?.message).join('; ')}`);
    onStale();
  };

  return (
    <div role="region" aria-label="Selected alerts" className="sticky top-0 z-10 flex flex-col gap-2 rounded-lg border border-blue-300 bg-blue-50 p-3 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">{alerts.length} selected</span>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={async () => {
            const r = await acknowledgeAll({ alerts: targets });
            report(r.data?.acknowledgeAlerts, r.error);
          }}
        >
          Acknowledge selected
        </button>
        {viewer.userId && (
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={async () => {
              const r = await assignAll({ alerts: targets, assigneeId: viewer.userId });
              report(r.data?.assignAlerts, r.error);
            }}
          >
            Assign selected to me
          </button>
        )}
        <button type="button" className="btn" onClick={onClear}>
          Clear selection
        </button>
      </div>
      {outcome && (
        <p role="alert" className="text-red-900">
          {outcome}
        </p>
      )}
    </div>
  );
}
