import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { ExportLink } from '@/components/ExportLink';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { exportUrl } from '@/lib/export';
import { newestScore, type TutorScore } from '@/lib/score';
import { useDebouncedValue } from '@/lib/use-debounced-value';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useTutors } from '../api/get-tutors';
import {
  clearFilters,
  parseTableState,
  previousCursors,
  serializeTableState,
  sortBy,
  toQueryVariables,
  type TableState,
} from '../table-state';
import { TutorsFilters } from './TutorsFilters';
import { TutorsTable } from './TutorsTable';

interface TutorsPageProps {
  /** Scores received live, by tutor id: they replace older fetched ones in place. */
  liveScores: ReadonlyMap<string, TutorScore>;
  /** Changes when the live stream resyncs: the page refetches. */
  resync: number;
}

export function TutorsPage({ liveScores, resync }: TutorsPageProps) {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const state = parseTableState(params);
  const previous = previousCursors(location.state);
  const search = useDebouncedValue(state.search, 250);
  const [result, refetch] = useTutors(toQueryVariables({ ...state, search }));
  useRefetchOn(resync, refetch);

  const show = (next: TableState, cursors: (string | null)[] = [], replace = false) =>
    navigate({ search: serializeTableState(next).toString() }, { state: { previous: cursors }, replace });

  const { data, error, fetching } = result;
  const tutors = data?.tutors;
  const filtered = state.risk !== null || state.flag !== null || state.search !== '';
  const shownQuery = toQueryVariables({ ...state, search });

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Tutors</h1>
        <ExportLink href={exportUrl('tutors', { filter: shownQuery.filter, sort: shownQuery.sort, search: shownQuery.search })} what="these tutors" />
      </div>
      <TutorsFilters state={state} onChange={(next, replace) => show(next, [], replace)} />
      {error && !data ? (
        <ErrorState title="Could not load tutors" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !data || !tutors ? (
        <TableSkeleton />
      ) : tutors.edges.length === 0 ? (
        <EmptyState title="No tutors match">
          {filtered && (
            <button type="button" className="link" onClick={() => show(clearFilters(state))}>
              Clear filters
            </button>
          )}
        </EmptyState>
      ) : (
        <>
          <TutorsTable
            rows={tutors.edges.map(({ node }) => ({ tutor: node, score: newestScore(node.score, liveScores.get(node.id)) }))}
            thresholds={data.scoringRules}
            state={state}
            onSort={(field) => show(sortBy(state, field))}
            busy={fetching}
          />
          <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <p data-testid="tutor-count">
              {tutors.totalCount} {tutors.totalCount === 1 ? 'tutor' : 'tutors'}
            </p>
            <div className="flex gap-2">
              <button
                type="button"
                className="btn"
                disabled={!state.after}
                onClick={() => show({ ...state, after: previous.at(-1) ?? null }, previous.slice(0, -1))}
              >
                ← Previous
              </button>
              <button
                type="button"
                className="btn"
                disabled={!tutors.pageInfo.hasNextPage}
                onClick={() => show({ ...state, after: tutors.pageInfo.endCursor ?? null }, [...previous, state.after])}
              >
                Next →
              </button>
            </div>
          </nav>
        </>
      )}
    </div>
  );
}

function TableSkeleton() {
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-3" role="status" aria-label="Loading tutors">
      {Array.from({ length: 8 }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </div>
  );
}
