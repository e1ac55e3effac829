// An alert in the shape the generated fragment type describes.
import type { AlertItem } from '@/lib/alert';

export function alertFixture(overrides: Partial<AlertItem> = {}): AlertItem {
  return {
    id: 'alert-1',
    kind: 'FLAG',
    flag: 'RESCHEDULE_RATE',
    status: 'OPEN',
    severity: 'CRITICAL',
    resolution: null,
    tutorId: 'tutor-1',
    tutor: { id: 'tutor-1', name: 'Ava Jensen' },
    assignee: null,
    openedAt: '2026-11-27T12:00:00Z',
    ackDueAt: '2026-11-28T12:00:00Z',
    overdue: false,
    acknowledgedAt: null,
    snoozedUntil: null,
    resolvedAt: null,
    reopenedCount: 0,
    version: 1,
    summary: '27 of 48 sessions rescheduled by the tutor in 90 days',
    latestEvidence: {
      code: 'RESCHEDULE_RATE',
      severity: 'CRITICAL',
      windowDays: 90,
      evidence: '27 of 48 sessions rescheduled by the tutor in 90 days',
      recommendation: 'Talk to the tutor about their availability.',
    },
    ...overrides,
  };
}
