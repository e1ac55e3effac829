// Alerts in words: what an alert is about, when it is due, why an action failed, and what each
// entry of its history did.
import type { CombinedError } from 'urql';
import type { ActorKind } from '@/gql/graphql';
import type { AlertItem } from '@/lib/alert';
import { formatDateTime, formatDuration } from '@/lib/format';
import { flagLabel } from '@/lib/labels';

/** "Reschedules", "No-shows", ... or "Upcoming session at risk". */
export function alertTitle(alert: Pick<AlertItem, 'kind' | 'flag'>): string {
  if (alert.kind === 'UPCOMING_SESSION') return 'Upcoming session at risk';
  return alert.flag ? flagLabel[alert.flag] : 'Flag';
}

/** The acknowledge-by time against now: "Overdue by 3 h", "Due in 5 h"; nothing once handled. */
export function dueText(alert: Pick<AlertItem, 'status' | 'overdue' | 'ackDueAt'>, now: number = Date.now()): string | null {
  if (alert.status !== 'OPEN') return null;
  const delta = Date.parse(alert.ackDueAt) - now;
  if (alert.overdue || delta < 0) return `Overdue by ${formatDuration(delta)}`;
  return `Acknowledge within ${formatDuration(delta)}`;
}

/** Why an action on an alert failed, and what to do about it. */
export function actionErrorMessage(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  switch (first?.extensions?.code) {
    case 'CONFLICT':
      return 'Someone else changed this alert first. It now shows their change: check it and try again.';
    case 'FORBIDDEN':
      return 'Your role cannot act on alerts (viewers can only read them).';
    case 'NOT_FOUND':
      return 'This alert no longer exists.';
    case 'UNAUTHENTICATED':
      return 'Your sign-in has ended. Sign in again.';
    case 'BAD_USER_INPUT':
      return `Not possible: ${first.message.replace(/^[a-zA-Z.[\]0-9]+: /, '')}`;
  }
  if (error.networkError) return 'Could not reach the server. Check the connection and try again.';
  return first?.message ?? error.message;
}

/** Who acted, as a coach would say it. */
export function actorText(event: { actorKind: ActorKind; actorLabel: string; actor?: { name: string } | null }): string {
  if (event.actor) return event.actor.name;
  switch (event.actorKind) {
    case 'SYSTEM':
      return 'tutorscore';
    case 'LOCAL':
      return 'Local admin';
    default:
      return event.actorLabel;
  }
}

type Json = Record<string, unknown> | null | undefined;

const field = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** What one history entry did, e.g. "Assigned to Ben Coach", "Dismissed as a false alarm". */
export function historyText(
  event: { action: string; after?: unknown; before?: unknown },
  names: ReadonlyMap<string, string>,
): string {
  const after = event.after as Json;
  switch (event.action) {
    case 'alert.opened':
      return 'Opened';
    case 'alert.acknowledged':
      return 'Acknowledged';
    case 'alert.assigned': {
      const id = field(after, 'assignee_id');
      if (typeof id !== 'string') return 'Unassigned';
      return `Assigned to ${names.get(id) ?? 'someone no longer assignable'}`;
    }
    case 'alert.snoozed': {
      const until = field(after, 'snoozed_until');
      return typeof until === 'string' ? `Snoozed until ${formatDateTime(until)}` : 'Snoozed';
    }
    case 'alert.woke':
      return 'Open again after its snooze';
    case 'alert.resolved':
      return field(after, 'resolution') === 'false_alarm' ? 'Dismissed as a false alarm' : 'Resolved as actioned';
    case 'alert.recovered':
      return 'Resolved by itself: the flag cleared';
    case 'alert.reopened':
      return 'Reopened: the flag came back';
    case 'alert.escalated':
      return 'Escalated from warning to critical';
    default:
      return event.action;
  }
}
