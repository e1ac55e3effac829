// The audit trail, for admins: who did what and when, newest first, with the subject's state
// before and after each change. Filters in the URL (action kind, a range of days, one tutor);
// "Load more" appends the next page by cursor.
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useClient } from 'urql';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { auditEventsQuery, useAuditEvents, useAuditTutor, type AuditEdge } from '../api/audit-events';
import {
  appendPage,
  emptyAuditFilter,
  isNarrowed,
  parseAuditFilter,
  serializeAuditFilter,
  shownEntries,
  toAuditVariables,
  type AuditFilterState,
  type MorePages,
} from '../audit-state';
import { actionFilterLabel, actionPrefixes } from '../audit-text';
import { AuditTable } from './AuditTable';

export function AuditPage({ canAdminister }: { canAdminister: boolean }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useClient();
  const state = parseAuditFilter(params);
  const key = serializeAuditFilter(state).toString();
  const [{ data, error, fetching }, refetch] = useAuditEvents(toAuditVariables(state), !canAdminister);
  const [tutorResult] = useAuditTutor(canAdminister ? state.tutor : null);
  const [more, setMore] = useState<MorePages<AuditEdge> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<{ key: string; error: Error } | null>(null);

  if (!canAdminister) return <EmptyState title="Only admins read the audit trail" />;

  const show = (next: AuditFilterState) => navigate({ search: serializeAuditFilter(next).toString() }, { replace: true });
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  const shown = data ? shownEntries(data.auditEvents, more, key) : null;
  const narrowed = isNarrowed(state);

  const loadMore = async () => {
    if (!shown?.endCursor) return;
    setLoadingMore(true);
    const result = await client.query(auditEventsQuery, toAuditVariables(state, shown.endCursor), { requestPolicy: 'network-only' }).toPromise();
    setLoadingMore(false);
    if (result.error || !result.data) {
      setMoreError({ key, error: result.error ?? new Error('The server sent no entries') });
      return;
    }
    const page = result.data.auditEvents;
    setMoreError(null);
    setMore((m) => appendPage(m, key, page));
  };

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Audit trail</h1>
        {shown && (
          <p className="text-sm text-slate-700" data-testid="audit-count" aria-live="polite">
            {shown.edges.length} {shown.edges.length === 1 ? 'entry' : 'entries'} shown{shown.hasMore ? ', older ones to load' : ''}
          </p>
        )}
      </div>
      <AuditFilters state={state} tutorName={tutorResult.data?.tutor?.name ?? null} onChange={show} />
      {error && !data ? (
        <ErrorState title="Could not load the audit trail" error={error} onRetry={refresh} />
      ) : !shown ? (
        <div className="flex flex-col gap-2" role="status" aria-label="Loading the audit trail">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-12 w-full" />
          ))}
        </div>
      ) : shown.edges.length === 0 ? (
        <EmptyState title={narrowed ? 'No entries match these filters' : 'Nothing recorded yet'}>
          {narrowed && (
            <button type="button" className="link" onClick={() => show(emptyAuditFilter)}>
              Clear the filters
            </button>
          )}
        </EmptyState>
      ) : (
        <>
          <AuditTable edges={shown.edges} busy={fetching || loadingMore} />
          {moreError?.key === key && (
            <p role="alert" className="text-sm text-red-900">
              Could not load older entries: {moreError.error.message}
            </p>
          )}
          {shown.hasMore ? (
            <button type="button" className="btn self-center" disabled={loadingMore} onClick={() => void loadMore()}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          ) : (
            <p className="text-center text-sm text-slate-600">{narrowed ? 'No older entries match these filters.' : 'No older entries.'}</p>
          )}
        </>
      )}
    </div>
  );
}

interface AuditFiltersProps {
  state: AuditFilterState;
  /** The name of the tutor the trail is narrowed to, once known. */
  tutorName: string | null;
  onChange: (next: AuditFilterState) => void;
}

function AuditFilters({ state, tutorName, onChange }: AuditFiltersProps) {
  const known = state.action === null || actionPrefixes.some((p) => p.prefix === state.action);
  return (
    <form role="search" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()} className="grid grid-cols-2 gap-3 sm:flex sm:flex-wrap sm:items-end">
      <label className="col-span-2 flex flex-col gap-1 text-sm font-medium">
        Action
        <select value={state.action ?? ''} onChange={(e) => onChange({ ...state, action: e.target.value || null })} className="field">
          <option value="">Every action</option>
          {actionPrefixes.map((p) => (
            <option key={p.prefix} value={p.prefix}>
              {p.label}
            </option>
          ))}
          {!known && state.action && <option value={state.action}>{actionFilterLabel(state.action)}</option>}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        From
        <input
          type="date"
          value={state.from ?? ''}
          max={state.to ?? undefined}
          onChange={(e) => onChange({ ...state, from: e.target.value || null })}
          className="field"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        To
        <input
          type="date"
          value={state.to ?? ''}
          min={state.from ?? undefined}
          onChange={(e) => onChange({ ...state, to: e.target.value || null })}
          className="field"
        />
      </label>
      {state.tutor && (
        <p className="col-span-2 flex flex-wrap items-center gap-2 text-sm sm:pb-1.5" data-testid="audit-tutor">
          <span>
            About{' '}
            <Link to={`/tutors/${state.tutor}`} className="link">
              {tutorName ?? 'one tutor'}
            </Link>
          </span>
          <button type="button" className="btn" onClick={() => onChange({ ...state, tutor: null })}>
            Every tutor
          </button>
        </p>
      )}
      {isNarrowed(state) && (
        <button type="button" className="btn col-span-2 justify-center sm:justify-start" onClick={() => onChange(emptyAuditFilter)}>
          Clear filters
        </button>
      )}
    </form>
  );
}
