// The audit trail's filters live in the URL, so a link shows the same entries:
// `?action=alert.&from=2026-12-01&to=2026-12-07&tutor=<id>`. Unknown or malformed values are
// left out. The days are local days, as the date inputs give them; the trail is paged by cursor
// ("Load more" appends the next page after what is shown).
import type { AuditEventsQueryVariables, AuditFilterInput } from '@/gql/graphql';
import { dayStart, isDay } from '@/lib/day';

export interface AuditFilterState {
  /** An action prefix (`alert.`) or a whole action (`user.signed_in`); null: every action. */
  action: string | null;
  /** The first local day shown (`YYYY-MM-DD`), or null. */
  from: string | null;
  /** The last local day shown (`YYYY-MM-DD`), or null. */
  to: string | null;
  /** The tutor the entries are about, or null for all. */
  tutor: string | null;
}

export const PAGE_SIZE = 50;

export const emptyAuditFilter: AuditFilterState = { action: null, from: null, to: null, tutor: null };

const ACTION = /^[a-z_]{1,40}\.([a-z_]{1,60})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseAuditFilter(params: URLSearchParams): AuditFilterState {
  const action = params.get('action');
  const from = params.get('from');
  const to = params.get('to');
  const tutor = params.get('tutor');
  return {
    action: action && ACTION.test(action) ? action : null,
    from: from && isDay(from) ? from : null,
    to: to && isDay(to) ? to : null,
    tutor: tutor && UUID.test(tutor) ? tutor.toLowerCase() : null,
  };
}

export function serializeAuditFilter(state: AuditFilterState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.action) params.set('action', state.action);
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.tutor) params.set('tutor', state.tutor);
  return params;
}

/** The filter the query asks for. */
export function toAuditFilter(state: AuditFilterState): AuditFilterInput {
  const filter: AuditFilterInput = {};
  if (state.action) filter.action = state.action;
  // The trail's `to` is exclusive ("before"): the start of the day after the last one shown.
  const from = state.from ? dayStart(state.from) : null;
  const to = state.to ? dayStart(state.to, 1) : null;
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (state.tutor) filter.tutorId = state.tutor;
  return filter;
}

export function toAuditVariables(state: AuditFilterState, after: string | null = null): AuditEventsQueryVariables {
  return { filter: toAuditFilter(state), first: PAGE_SIZE, after };
}

/** Whether any filter narrows the trail (the empty state then offers to clear them). */
export function isNarrowed(state: AuditFilterState): boolean {
  return state.action !== null || state.from !== null || state.to !== null || state.tutor !== null;
}

/** The pages loaded after the first one, for one set of filters (`key`). */
export interface MorePages<E> {
  key: string;
  edges: readonly E[];
  endCursor: string | null;
  hasMore: boolean;
}

interface Page<E> {
  edges: readonly E[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A next page after what was loaded before (none yet, or for other filters: after the first). */
export function appendPage<E extends { node: { id: string } }>(more: MorePages<E> | null, key: string, page: Page<E>): MorePages<E> {
  const previous = more?.key === key ? more.edges : [];
  return { key, edges: [...previous, ...page.edges], endCursor: page.pageInfo.endCursor, hasMore: page.pageInfo.hasNextPage };
}

/**
 * What the table shows: the first page, then the pages loaded for the same filters, each entry
 * once (a refreshed first page may reach into what was loaded after it), and where to go on.
 */
export function shownEntries<E extends { node: { id: string } }>(
  first: Page<E>,
  more: MorePages<E> | null,
  key: string,
): { edges: E[]; endCursor: string | null; hasMore: boolean } {
  const loaded = more?.key === key ? more : null;
  const seen = new Set<string>();
  const edges: E[] = [];
  for (const edge of [...first.edges, ...(loaded?.edges ?? [])]) {
    if (seen.has(edge.node.id)) continue;
    seen.add(edge.node.id);
    edges.push(edge);
  }
  return loaded
    ? { edges, endCursor: loaded.endCursor, hasMore: loaded.hasMore }
    : { edges, endCursor: first.pageInfo.endCursor, hasMore: first.pageInfo.hasNextPage };
}
