// Booked sessions in the coming hours, riskiest first: the probability that the tutor
// reschedules or misses each one (and of a poor first session), with the three largest reasons
// in words. Live: predictions are refreshed when their tutor is recomputed, which every score
// update announces; the page refetches then (throttled).
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { useNow } from '@/lib/use-now';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useUpcoming } from '../api/get-upcoming';
import {
  defaultUpcomingState,
  parseUpcomingState,
  riskChoices,
  serializeUpcomingState,
  toUpcomingVariables,
  UPCOMING_PAGE,
  windowChoices,
  type UpcomingState,
} from '../upcoming-state';
import { UpcomingCard } from './UpcomingCard';

const LIVE_REFETCH_MS = 2000;

interface UpcomingPageProps {
  /** Changes with every live score update (their tutor's predictions may have moved). */
  liveScores: unknown;
  resync: number;
}

export function UpcomingPage({ liveScores, resync }: UpcomingPageProps) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const state = parseUpcomingState(params);
  const [anchor, setAnchor] = useState(() => Date.now());
  const [{ data, error, fetching }, refetch] = useUpcoming(toUpcomingVariables(state, anchor));
  useRefetchOn(resync, refetch);
  useRefetchOn(liveScores, refetch, LIVE_REFETCH_MS);
  const now = useNow();

  const show = (next: UpcomingState) => {
    setAnchor(Date.now());
    navigate({ search: serializeUpcomingState(next).toString() }, { replace: true });
  };
  const narrowed = state.minRisk > 0 || state.firstOnly || state.hours !== defaultUpcomingState.hours;
  const items = data?.upcomingSessions.edges.map((e) => e.node) ?? [];

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Upcoming sessions</h1>
        {data && (
          <p className="text-sm text-slate-700" data-testid="upcoming-count">
            {data.upcomingSessions.totalCount} booked {data.upcomingSessions.totalCount === 1 ? 'session' : 'sessions'}
          </p>
        )}
      </div>
      {data && !data.predictionModel && (
        <p role="note" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          No model is in use yet: the baseline is (each tutor’s own 30-day rate), so sessions carry no prediction.{' '}
          <Link to="/model" className="link">
            Why
          </Link>
        </p>
      )}
      <form role="search" aria-label="Filter upcoming sessions" onSubmit={(e) => e.preventDefault()} className="grid grid-cols-2 gap-3 sm:flex sm:flex-wrap sm:items-end">
        <label className="flex flex-col gap-1 text-sm font-medium">
          When
          <select value={state.hours} onChange={(e) => show({ ...state, hours: Number(e.target.value), limit: UPCOMING_PAGE })} className="field">
            {windowChoices.map((c) => (
              <option key={c.hours} value={c.hours}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Risk
          <select value={state.minRisk} onChange={(e) => show({ ...state, minRisk: Number(e.target.value), limit: UPCOMING_PAGE })} className="field">
            {riskChoices.map((c) => (
              <option key={c.min} value={c.min}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Sort by
          <select value={state.sort} onChange={(e) => show({ ...state, sort: e.target.value === 'START' ? 'START' : 'RISK' })} className="field">
            <option value="RISK">Riskiest first</option>
            <option value="START">Soonest first</option>
          </select>
        </label>
        <label className="flex items-center gap-2 text-sm font-medium sm:pb-2">
          <input type="checkbox" checked={state.firstOnly} onChange={(e) => show({ ...state, firstOnly: e.target.checked, limit: UPCOMING_PAGE })} className="size-5" />
          First sessions only
        </label>
      </form>
      {error && !data ? (
        <ErrorState title="Could not load upcoming sessions" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !data ? (
        <div className="flex flex-col gap-3" role="status" aria-label="Loading upcoming sessions">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-40 w-full" />
          ))}
        </div>
      ) : items.length === 0 ? (
        <EmptyState title={narrowed ? 'No booked sessions match' : 'No sessions booked in the next 48 hours'}>
          {narrowed && (
            <button type="button" className="link" onClick={() => show(defaultUpcomingState)}>
              Back to the next 48 hours
            </button>
          )}
        </EmptyState>
      ) : (
        <>
          <ul aria-label="Upcoming sessions" aria-busy={fetching} className="grid gap-3 xl:grid-cols-2">
            {items.map((item) => (
              <li key={item.session.id}>
                <UpcomingCard item={item} now={now} />
              </li>
            ))}
          </ul>
          {data.upcomingSessions.pageInfo.hasNextPage && state.limit < 100 && (
            <button type="button" className="btn self-center" onClick={() => show({ ...state, limit: Math.min(state.limit + UPCOMING_PAGE, 100) })}>
              Show more
            </button>
          )}
        </>
      )}
    </div>
  );
}
