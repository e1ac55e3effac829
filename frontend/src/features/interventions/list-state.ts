// The interventions list's filters live in the URL, like the alert queue's:
// `?who=all&status=DONE&type=coaching_call&overdue=1`. Defaults are left out; unknown values
// fall back to them. A signed-in person starts on their own planned interventions, a key or
// the open server on everyone's.
import type { InterventionFilterInput, InterventionStatus, InterventionsQueryVariables } from '@/gql/graphql';

export type Who = 'mine' | 'all';
export type StatusChoice = InterventionStatus | 'any';

export interface ListState {
  who: Who;
  status: StatusChoice;
  /** A type code; null: any type. */
  type: string | null;
  overdueOnly: boolean;
  limit: number;
}

export const PAGE_SIZE = 25;
export const MAX_LIMIT = 100;

export const statusChoices: readonly StatusChoice[] = ['PLANNED', 'DONE', 'CANCELLED', 'any'];
export const statusChoiceLabel: Record<StatusChoice, string> = {
  PLANNED: 'Planned',
  DONE: 'Done',
  CANCELLED: 'Cancelled',
  any: 'Any status',
};

export function defaultListState(signedIn: boolean): ListState {
  return { who: signedIn ? 'mine' : 'all', status: 'PLANNED', type: null, overdueOnly: false, limit: PAGE_SIZE };
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return allowed.find((a) => a === value) ?? null;
}

export function parseListState(params: URLSearchParams, signedIn: boolean): ListState {
  const defaults = defaultListState(signedIn);
  const who = signedIn ? (oneOf(params.get('who'), ['mine', 'all'] as const) ?? defaults.who) : 'all';
  const limit = Number(params.get('limit'));
  const type = params.get('type');
  return {
    who,
    status: oneOf(params.get('status'), statusChoices) ?? defaults.status,
    type: type && /^[a-z0-9_]{1,64}$/.test(type) ? type : null,
    overdueOnly: params.get('overdue') === '1',
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : defaults.limit,
  };
}

export function serializeListState(state: ListState, signedIn: boolean): URLSearchParams {
  const defaults = defaultListState(signedIn);
  const params = new URLSearchParams();
  if (state.who !== defaults.who) params.set('who', state.who);
  if (state.status !== defaults.status) params.set('status', state.status);
  if (state.type) params.set('type', state.type);
  if (state.overdueOnly) params.set('overdue', '1');
  if (state.limit !== defaults.limit) params.set('limit', String(state.limit));
  return params;
}

/** The filter the view asks for (the query's and the export's). */
export function toFilter(state: ListState): InterventionFilterInput {
  const filter: InterventionFilterInput = {};
  if (state.who === 'mine') filter.mine = true;
  if (state.status !== 'any') filter.statuses = [state.status];
  if (state.type) filter.types = [state.type];
  if (state.overdueOnly) filter.overdue = true;
  return filter;
}

export const LIST_SORT = { field: 'DUE_AT', direction: 'ASC' } as const;

export function toInterventionsVariables(state: ListState): InterventionsQueryVariables {
  return { filter: toFilter(state), sort: LIST_SORT, first: state.limit };
}

/** Whether the view narrows the default one (the empty state then offers to widen it). */
export function isNarrowed(state: ListState, signedIn: boolean): boolean {
  const d = defaultListState(signedIn);
  return state.who !== d.who || state.status !== d.status || state.type !== null || state.overdueOnly;
}
