// An intervention in the shape the generated fragment type describes.
import type { InterventionItem } from '@/lib/intervention';

export function interventionFixture(overrides: Partial<InterventionItem> = {}): InterventionItem {
  return {
    id: 'iv-1',
    tutorId: 'tutor-1',
    tutor: { id: 'tutor-1', name: 'Ava Jensen' },
    type: 'coaching_call',
    typeLabel: 'Coaching call',
    status: 'PLANNED',
    owner: { id: 'user-ben', name: 'Ben Coach' },
    ownerId: 'user-ben',
    dueAt: '2026-12-03T12:00:00Z',
    overdue: false,
    notes: 'Talk about evenings.',
    plannedBy: 'ben.coach@demo.tutorscore.example',
    createdAt: '2026-12-01T12:00:00Z',
    completedAt: null,
    completionNote: null,
    cancelledAt: null,
    cancelReason: null,
    followUpDays: null,
    followUpAt: null,
    outcome: null,
    measuredAt: null,
    assessment: null,
    assessmentNote: null,
    assessedAt: null,
    version: 1,
    alerts: [{ id: 'alert-1', kind: 'FLAG', flag: 'RESCHEDULE_RATE', status: 'OPEN', severity: 'CRITICAL', resolution: null }],
    outcomes: [],
    ...overrides,
  };
}
