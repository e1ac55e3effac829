// Interventions in words: when one is due, what its follow-up found, and why an action failed.
import type { CombinedError } from 'urql';
import type { InterventionItem } from '@/lib/intervention';
import { formatDateTime, formatDuration } from '@/lib/format';

/** "Overdue by 3 days", "Due in 5 h" for a planned one; when it was done or cancelled otherwise. */
export function dueText(
  intervention: Pick<InterventionItem, 'status' | 'overdue' | 'dueAt' | 'completedAt' | 'cancelledAt'>,
  now: number = Date.now(),
): string {
  switch (intervention.status) {
    case 'PLANNED': {
      const delta = Date.parse(intervention.dueAt) - now;
      if (intervention.overdue || delta < 0) return `Overdue by ${formatDuration(delta)}`;
      return `Due in ${formatDuration(delta)}`;
    }
    case 'DONE':
      return intervention.completedAt ? `Done ${formatDateTime(intervention.completedAt)}` : 'Done';
    case 'CANCELLED':
      return intervention.cancelledAt ? `Cancelled ${formatDateTime(intervention.cancelledAt)}` : 'Cancelled';
  }
}

/** What the follow-up has to say before it has measured anything. */
export function pendingOutcomeText(intervention: Pick<InterventionItem, 'status' | 'followUpAt' | 'followUpDays'>, now: number = Date.now()): string | null {
  if (intervention.status === 'PLANNED') return 'Measured once done';
  if (intervention.status === 'CANCELLED') return null;
  if (!intervention.followUpAt) return 'Not measured yet';
  const delta = Date.parse(intervention.followUpAt) - now;
  const days = intervention.followUpDays ? ` (${intervention.followUpDays} days before against ${intervention.followUpDays} after)` : '';
  return delta > 0 ? `Measured in ${formatDuration(delta)}${days}` : `Being measured${days}`;
}

/** Why an action on an intervention failed, and what to do about it. */
export function actionErrorMessage(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  switch (first?.extensions?.code) {
    case 'CONFLICT':
      return 'Someone else changed this intervention first. It now shows their change: check it and try again.';
    case 'FORBIDDEN':
      return 'Your role cannot do this (viewers only read; only the owner or an admin assesses).';
    case 'NOT_FOUND':
      return 'This intervention (or one of its alerts) no longer exists.';
    case 'UNAUTHENTICATED':
      return 'Your sign-in has ended. Sign in again.';
    case 'BAD_USER_INPUT':
      return `Not possible: ${first.message.replace(/^[a-zA-Z.[\]0-9]+: /, '')}`;
  }
  if (error.networkError) return 'Could not reach the server. Check the connection and try again.';
  return first?.message ?? error.message;
}

export const isConflict = (error: CombinedError) => error.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT');

/** A `<input type="date">` value (local day) as the end of that day, in UTC ISO form. */
export function endOfDay(date: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  return new Date(y, m - 1, d, 23, 59, 0).toISOString();
}
