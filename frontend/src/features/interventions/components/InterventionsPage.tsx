// The interventions list: what is planned, by due date (what to do next first), overdue ones
// marked, with filters in the URL (whose, status, type, overdue) and the actions inline. Live:
// every intervention change received replaces the shown one and the list refetches (throttled).
import { useNavigate, useSearchParams } from 'react-router';
import { ExportLink } from '@/components/ExportLink';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { exportUrl } from '@/lib/export';
import { newestIntervention, type InterventionItem } from '@/lib/intervention';
import { useNow } from '@/lib/use-now';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useInterventionChoices, useInterventions } from '../api/get-interventions';
import {
  defaultListState,
  isNarrowed,
  LIST_SORT,
  MAX_LIMIT,
  PAGE_SIZE,
  parseListState,
  serializeListState,
  statusChoiceLabel,
  statusChoices,
  toFilter,
  toInterventionsVariables,
  type ListState,
  type StatusChoice,
} from '../list-state';
import type { Viewer } from '../types';
import { InterventionCard } from './InterventionCard';

const LIVE_REFETCH_MS = 300;

interface InterventionsPageProps {
  viewer: Viewer;
  liveInterventions: ReadonlyMap<string, InterventionItem>;
  /** Changes with every live intervention change: the list refetches. */
  interventionChanges: number;
  resync: number;
}

export function InterventionsPage({ viewer, liveInterventions, interventionChanges, resync }: InterventionsPageProps) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signedIn = viewer.userId !== null;
  const state = parseListState(params, signedIn);
  const [{ data, error, fetching }, refetch] = useInterventions(toInterventionsVariables(state));
  const [choices] = useInterventionChoices();
  useRefetchOn(resync, refetch);
  useRefetchOn(interventionChanges, refetch, LIVE_REFETCH_MS);
  const now = useNow();

  const show = (next: ListState) => navigate({ search: serializeListState(next, signedIn).toString() }, { replace: true });
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  const items = data?.interventions.edges.map(({ node }) => newestIntervention(node, liveInterventions.get(node.id))) ?? [];
  const types = choices.data?.interventionTypes ?? [];

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Interventions</h1>
        <div className="flex flex-wrap items-center gap-3">
          {data && (
            <p className="text-sm text-slate-700" data-testid="intervention-count" aria-live="polite">
              {data.interventions.totalCount} {data.interventions.totalCount === 1 ? 'intervention' : 'interventions'}
            </p>
          )}
          <ExportLink href={exportUrl('interventions', { filter: toFilter(state), sort: LIST_SORT })} what="these interventions" />
        </div>
      </div>
      <form role="search" aria-label="Filter interventions" onSubmit={(e) => e.preventDefault()} className="grid grid-cols-2 gap-3 sm:flex sm:flex-wrap sm:items-end">
        {signedIn && (
          <label className="flex flex-col gap-1 text-sm font-medium">
            Whose
            <select value={state.who} onChange={(e) => show({ ...state, who: e.target.value as ListState['who'], limit: PAGE_SIZE })} className="field">
              <option value="mine">Mine</option>
              <option value="all">Everyone’s</option>
            </select>
          </label>
        )}
        <label className="flex flex-col gap-1 text-sm font-medium">
          Status
          <select value={state.status} onChange={(e) => show({ ...state, status: e.target.value as StatusChoice, limit: PAGE_SIZE })} className="field">
            {statusChoices.map((s) => (
              <option key={s} value={s}>
                {statusChoiceLabel[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Type
          <select value={state.type ?? ''} onChange={(e) => show({ ...state, type: e.target.value || null, limit: PAGE_SIZE })} className="field">
            <option value="">Any type</option>
            {types.map((t) => (
              <option key={t.code} value={t.code}>
                {t.label}
              </option>
            ))}
            {state.type && !types.some((t) => t.code === state.type) && <option value={state.type}>{state.type}</option>}
          </select>
        </label>
        <label className="col-span-2 flex items-center gap-2 text-sm font-medium sm:pb-2">
          <input
            type="checkbox"
            checked={state.overdueOnly}
            onChange={(e) => show({ ...state, overdueOnly: e.target.checked, limit: PAGE_SIZE })}
            className="size-5"
          />
          Overdue only
        </label>
      </form>
      {error && !data ? (
        <ErrorState title="Could not load the interventions" error={error} onRetry={refresh} />
      ) : !data ? (
        <div className="flex flex-col gap-3" role="status" aria-label="Loading interventions">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-36 w-full" />
          ))}
        </div>
      ) : items.length === 0 ? (
        <EmptyState title={isNarrowed(state, signedIn) ? 'No interventions match these filters' : 'Nothing planned: no interventions to do'}>
          {isNarrowed(state, signedIn) && (
            <button type="button" className="link" onClick={() => show(defaultListState(signedIn))}>
              Back to the default view
            </button>
          )}
          <p className="mt-1">Plan one from an alert’s page or a tutor’s page.</p>
        </EmptyState>
      ) : (
        <>
          <ul aria-label="Interventions, by due date" aria-busy={fetching} className="grid gap-3 xl:grid-cols-2">
            {items.map((iv) => (
              <li key={iv.id}>
                <InterventionCard intervention={iv} viewer={viewer} now={now} onStale={refresh} />
              </li>
            ))}
          </ul>
          {data.interventions.pageInfo.hasNextPage &&
            (state.limit < MAX_LIMIT ? (
              <button type="button" className="btn self-center" onClick={() => show({ ...state, limit: Math.min(state.limit + PAGE_SIZE, MAX_LIMIT) })}>
                Show more
              </button>
            ) : (
              <p className="text-center text-sm text-slate-600">Showing the first {MAX_LIMIT}: narrow the filters, or export them all.</p>
            ))}
        </>
      )}
    </div>
  );
}
