// The Upcoming page's filters in the URL: `?hours=24&min=0.4&first=1&sort=START`. The window
// is measured from when the view was opened (`anchor`), so the query stays the same while the
// page is open and refetches only on live changes.
import type { UpcomingQueryVariables, UpcomingSortField } from '@/gql/graphql';

export interface UpcomingState {
  /** The window's length from now, in hours. */
  hours: number;
  /** The lowest probability (0-1) shown; 0 for all. */
  minRisk: number;
  firstOnly: boolean;
  sort: UpcomingSortField;
  limit: number;
}

export const windowChoices = [
  { hours: 24, label: 'Next 24 hours' },
  { hours: 48, label: 'Next 48 hours' },
  { hours: 168, label: 'Next 7 days' },
  { hours: 336, label: 'Next 14 days' },
] as const;

export const riskChoices = [
  { min: 0, label: 'Any risk' },
  { min: 0.2, label: '20% or more' },
  { min: 0.4, label: '40% or more' },
  { min: 0.6, label: '60% or more' },
] as const;

export const UPCOMING_PAGE = 25;
const MAX_LIMIT = 100;

export const defaultUpcomingState: UpcomingState = { hours: 48, minRisk: 0, firstOnly: false, sort: 'RISK', limit: UPCOMING_PAGE };

export function parseUpcomingState(params: URLSearchParams): UpcomingState {
  const hours = Number(params.get('hours'));
  const min = Number(params.get('min'));
  const limit = Number(params.get('limit'));
  return {
    hours: windowChoices.some((c) => c.hours === hours) ? hours : defaultUpcomingState.hours,
    minRisk: riskChoices.some((c) => c.min === min) ? min : 0,
    firstOnly: params.get('first') === '1',
    sort: params.get('sort') === 'START' ? 'START' : 'RISK',
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : UPCOMING_PAGE,
  };
}

export function serializeUpcomingState(state: UpcomingState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.hours !== defaultUpcomingState.hours) params.set('hours', String(state.hours));
  if (state.minRisk > 0) params.set('min', String(state.minRisk));
  if (state.firstOnly) params.set('first', '1');
  if (state.sort !== 'RISK') params.set('sort', state.sort);
  if (state.limit !== UPCOMING_PAGE) params.set('limit', String(state.limit));
  return params;
}

/** The query's variables: from `anchor` (ms) for `hours`; riskiest first, or soonest first. */
export function toUpcomingVariables(state: UpcomingState, anchor: number): UpcomingQueryVariables {
  return {
    filter: {
      from: new Date(anchor).toISOString(),
      to: new Date(anchor + state.hours * 3_600_000).toISOString(),
      ...(state.minRisk > 0 ? { minRisk: state.minRisk } : {}),
      firstSessionsOnly: state.firstOnly,
    },
    sort: { field: state.sort, direction: state.sort === 'RISK' ? 'DESC' : 'ASC' },
    first: state.limit,
  };
}

/** How worrying a probability is: drives colour (always with the number beside it). */
export function riskTone(probability: number): 'high' | 'medium' | 'low' {
  if (probability >= 0.5) return 'high';
  if (probability >= 0.25) return 'medium';
  return 'low';
}
