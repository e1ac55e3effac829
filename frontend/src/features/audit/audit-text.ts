// The audit trail in words: what each action was, who acted, what it was about and where that
// is on the dashboard. The codes are the server's (`alert.acknowledged`, `user.signed_in`, ...).
import type { ActorKind } from '@/gql/graphql';

/** The kinds of action to filter by: every action code starts with one of these. */
export const actionPrefixes: readonly { prefix: string; label: string }[] = [
  { prefix: 'alert.', label: 'Alerts' },
  { prefix: 'email.', label: 'Emails' },
  { prefix: 'intervention.', label: 'Interventions' },
  { prefix: 'note.', label: 'Notes' },
  { prefix: 'tutor.', label: 'Tutor risk changes' },
  { prefix: 'user.', label: 'People and sign-ins' },
];

const actionLabels: Record<string, string> = {
  'alert.opened': 'Alert opened',
  'alert.acknowledged': 'Alert acknowledged',
  'alert.assigned': 'Alert assigned',
  'alert.snoozed': 'Alert snoozed',
  'alert.woke': 'Alert open again after its snooze',
  'alert.resolved': 'Alert resolved',
  'alert.recovered': 'Alert cleared by itself',
  'alert.reopened': 'Alert reopened',
  'alert.escalated': 'Alert escalated to critical',
  'email.sent': 'Email sent',
  'intervention.planned': 'Intervention planned',
  'intervention.completed': 'Intervention completed',
  'intervention.cancelled': 'Intervention cancelled',
  'intervention.assessed': 'Intervention assessed',
  'intervention.measured': 'Intervention outcome measured',
  'note.added': 'Note added',
  'note.edited': 'Note edited',
  'note.pinned': 'Note pinned',
  'note.unpinned': 'Note unpinned',
  'tutor.risk_changed': 'Risk level changed',
  'user.created': 'Person added',
  'user.updated': 'Person changed',
  'user.password_reset': 'Password reset',
  'user.password_changed': 'Password changed',
  'user.signed_in': 'Signed in',
  'user.signed_out': 'Signed out',
};

/** "Alert acknowledged" for `alert.acknowledged`; null for an action without a label. */
export function actionLabel(action: string): string | null {
  return Object.hasOwn(actionLabels, action) ? (actionLabels[action] ?? null) : null;
}

/** What an action-prefix filter value reads as in the select. */
export function actionFilterLabel(action: string): string {
  return actionPrefixes.find((p) => p.prefix === action)?.label ?? actionLabel(action) ?? action;
}

export const actorKindLabel: Record<ActorKind, string> = {
  USER: 'person',
  KEY: 'key',
  LOCAL: 'local',
  SYSTEM: 'system',
};

const subjectTypeLabels: Record<string, string> = {
  alert: 'Alert',
  intervention: 'Intervention',
  note: 'Note',
  tutor: 'Tutor',
  user: 'Person',
  sign_in: 'Sign-in',
};

/** "Alert", "Sign-in", ...; an unknown type as it is. */
export function subjectTypeLabel(subjectType: string): string {
  return Object.hasOwn(subjectTypeLabels, subjectType) ? (subjectTypeLabels[subjectType] ?? subjectType) : subjectType;
}

interface Subject {
  subjectType: string;
  subjectId?: string | null;
  tutorId?: string | null;
}

/** Where the subject itself is on the dashboard: an alert's page, a tutor's page; else null. */
export function subjectHref({ subjectType, subjectId, tutorId }: Subject): string | null {
  if (subjectType === 'alert' && subjectId) return `/alerts/${encodeURIComponent(subjectId)}`;
  if (subjectType === 'tutor') {
    const id = tutorId ?? subjectId;
    return id ? `/tutors/${encodeURIComponent(id)}` : null;
  }
  return null;
}

/** The page of the tutor the entry is about, when the subject is not the tutor itself. */
export function tutorHref({ subjectType, tutorId }: Subject): string | null {
  if (!tutorId || subjectType === 'tutor') return null;
  return `/tutors/${encodeURIComponent(tutorId)}`;
}
