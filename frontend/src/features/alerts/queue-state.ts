// The triage queue's filters live in the URL, so a coach can bookmark "my overdue criticals":
// `?who=mine&status=OPEN&severity=CRITICAL&overdue=1&sort=ACK_DUE`. Defaults are left out;
// unknown values fall back to them. Who is asking changes the default: a signed-in person
// starts on "mine or unassigned", a key or the open server on everyone's.
import type { AlertFilterInput, AlertSeverity, AlertSortField, AlertStatus, AlertsQueryVariables } from '@/gql/graphql';

export type Who = 'mine-or-unassigned' | 'mine' | 'unassigned' | 'all';
/** `active`: open and acknowledged (the work to do); `unresolved` adds the snoozed ones. */
export type StatusChoice = 'active' | 'unresolved' | AlertStatus;

export interface QueueState {
  who: Who;
  status: StatusChoice;
  severity: AlertSeverity | null;
  overdueOnly: boolean;
  sort: AlertSortField;
  /** How many alerts to show (grows with "Show more"). */
  limit: number;
}

export const PAGE_SIZE = 25;
export const MAX_LIMIT = 100;

const whos: readonly Who[] = ['mine-or-unassigned', 'mine', 'unassigned', 'all'];
const statuses: readonly StatusChoice[] = ['active', 'unresolved', 'OPEN', 'ACKNOWLEDGED', 'SNOOZED', 'RESOLVED'];
const severities: readonly AlertSeverity[] = ['CRITICAL', 'WARNING'];
const sorts: readonly AlertSortField[] = ['SEVERITY', 'ACK_DUE', 'OPENED_AT'];

export const whoLabel: Record<Who, string> = {
  'mine-or-unassigned': 'Mine or unassigned',
  mine: 'Mine',
  unassigned: 'Unassigned',
  all: 'Everyone’s',
};

export const statusChoiceLabel: Record<StatusChoice, string> = {
  active: 'Open and acknowledged',
  unresolved: 'All unresolved (with snoozed)',
  OPEN: 'Open',
  ACKNOWLEDGED: 'Acknowledged',
  SNOOZED: 'Snoozed',
  RESOLVED: 'Resolved',
};

export const sortLabel: Record<AlertSortField, string> = {
  SEVERITY: 'Severity, then oldest',
  ACK_DUE: 'Acknowledge-by time',
  OPENED_AT: 'Opened',
};

export const whoChoices = whos;
export const statusChoices = statuses;
export const sortChoices = sorts;

/** The default view: a person's own and unclaimed work; everyone's for a key or the open server. */
export function defaultQueueState(signedIn: boolean): QueueState {
  return { who: signedIn ? 'mine-or-unassigned' : 'all', status: 'active', severity: null, overdueOnly: false, sort: 'SEVERITY', limit: PAGE_SIZE };
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return allowed.find((a) => a === value) ?? null;
}

/** `signedIn`: the caller is a person (only they have "mine"). */
export function parseQueueState(params: URLSearchParams, signedIn: boolean): QueueState {
  const defaults = defaultQueueState(signedIn);
  let who = oneOf(params.get('who'), whos) ?? defaults.who;
  if (!signedIn && (who === 'mine' || who === 'mine-or-unassigned')) who = 'all';
  const limit = Number(params.get('limit'));
  return {
    who,
    status: oneOf(params.get('status'), statuses) ?? defaults.status,
    severity: oneOf(params.get('severity'), severities),
    overdueOnly: params.get('overdue') === '1',
    sort: oneOf(params.get('sort'), sorts) ?? defaults.sort,
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : defaults.limit,
  };
}

export function serializeQueueState(state: QueueState, signedIn: boolean): URLSearchParams {
  const defaults = defaultQueueState(signedIn);
  const params = new URLSearchParams();
  if (state.who !== defaults.who) params.set('who', state.who);
  if (state.status !== defaults.status) params.set('status', state.status);
  if (state.severity) params.set('severity', state.severity);
  if (state.overdueOnly) params.set('overdue', '1');
  if (state.sort !== defaults.sort) params.set('sort', state.sort);
  if (state.limit !== defaults.limit) params.set('limit', String(state.limit));
  return params;
}

/** The query's variables for a view. */
export function toAlertsVariables(state: QueueState): AlertsQueryVariables {
  const filter: AlertFilterInput = {};
  if (state.who === 'mine' || state.who === 'mine-or-unassigned') filter.mine = true;
  if (state.who === 'unassigned' || state.who === 'mine-or-unassigned') filter.unassigned = true;
  if (state.status === 'active') filter.statuses = ['OPEN', 'ACKNOWLEDGED'];
  else if (state.status !== 'unresolved') filter.statuses = [state.status];
  if (state.severity) filter.severities = [state.severity];
  if (state.overdueOnly) filter.overdue = true;
  return { filter, sort: { field: state.sort, direction: state.sort === 'OPENED_AT' ? 'DESC' : 'ASC' }, first: state.limit };
}

/** Whether the view narrows the default one (the empty state then offers to widen it). */
export function isNarrowed(state: QueueState, signedIn: boolean): boolean {
  const d = defaultQueueState(signedIn);
  return state.who !== d.who || state.status !== d.status || state.severity !== null || state.overdueOnly;
}
