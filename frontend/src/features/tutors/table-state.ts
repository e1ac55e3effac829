// The tutors table's state lives in the URL query string, so a view can be shared:
// `?risk=HIGH&flag=NO_SHOW_RATE&q=ava&sort=NAME&dir=ASC&after=<cursor>`. Defaults are left out;
// unknown values fall back to them. Earlier pages' cursors are not in the URL (they would grow
// it without bound): they ride in the history entry's state, see `previousCursors`.
import type {
  FlagCode,
  RiskLevel,
  SortDirection,
  TutorSortField,
  TutorsQueryVariables,
} from '@/gql/graphql';
import { flagCodes, riskLevels } from '@/lib/labels';

export interface TableState {
  risk: RiskLevel | null;
  flag: FlagCode | null;
  search: string;
  sort: TutorSortField;
  direction: SortDirection;
  /** Cursor after which the shown page starts; null for the first page. */
  after: string | null;
}

const PAGE_SIZE = 25;

export const defaultTableState: TableState = {
  risk: null,
  flag: null,
  search: '',
  sort: 'RISK_LEVEL',
  direction: 'DESC',
  after: null,
};

const sortFields: readonly TutorSortField[] = [
  'QUALITY_SCORE',
  'RISK_LEVEL',
  'RESCHEDULE_RATE_7D',
  'RESCHEDULE_RATE_30D',
  'RESCHEDULE_RATE_90D',
  'NO_SHOW_RATE_30D',
  'SESSIONS_30D',
  'NAME',
  'COMPUTED_AT',
];
const directions: readonly SortDirection[] = ['ASC', 'DESC'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return allowed.find((a) => a === value) ?? null;
}

export function parseTableState(params: URLSearchParams): TableState {
  return {
    risk: oneOf(params.get('risk'), riskLevels),
    flag: oneOf(params.get('flag'), flagCodes),
    search: params.get('q') ?? '',
    sort: oneOf(params.get('sort'), sortFields) ?? defaultTableState.sort,
    direction: oneOf(params.get('dir'), directions) ?? defaultTableState.direction,
    after: params.get('after') || null,
  };
}

export function serializeTableState(state: TableState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.risk) params.set('risk', state.risk);
  if (state.flag) params.set('flag', state.flag);
  if (state.search) params.set('q', state.search);
  if (state.sort !== defaultTableState.sort) params.set('sort', state.sort);
  if (state.direction !== defaultTableState.direction) params.set('dir', state.direction);
  if (state.after) params.set('after', state.after);
  return params;
}

/** No filter or search, same sort. */
export function clearFilters(state: TableState): TableState {
  return { ...defaultTableState, sort: state.sort, direction: state.direction };
}

/** Clicking a column: the same column flips direction, another starts on its natural one. */
export function sortBy(state: TableState, field: TutorSortField): TableState {
  const direction =
    state.sort === field ? (state.direction === 'ASC' ? 'DESC' : 'ASC') : field === 'NAME' ? 'ASC' : 'DESC';
  return { ...state, sort: field, direction, after: null };
}

export function toQueryVariables(state: TableState): TutorsQueryVariables {
  const search = state.search.trim();
  return {
    filter: {
      riskLevels: state.risk ? [state.risk] : null,
      flags: state.flag ? [state.flag] : null,
    },
    search: search || null,
    sort: { field: state.sort, direction: state.direction },
    first: PAGE_SIZE,
    after: state.after,
  };
}

/** The cursors of the pages before this one, kept in the history entry's state. */
export function previousCursors(historyState: unknown): (string | null)[] {
  if (typeof historyState !== 'object' || historyState === null || !('previous' in historyState)) return [];
  const { previous } = historyState;
  return Array.isArray(previous) ? previous.filter((c) => c === null || typeof c === 'string') : [];
}
