import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { alertFixture } from '@/testing/alert-fixture';
import { actionErrorMessage, actorText, alertTitle, dueText, historyText } from './alert-text';

const now = Date.parse('2026-11-28T09:00:00Z');

describe('dueText', () => {
  it('counts down to the acknowledge-by time of an open alert', () => {
    expect(dueText(alertFixture(), now)).toBe('Acknowledge within 3 h');
  });

  it('says how long an overdue alert has waited', () => {
    expect(dueText(alertFixture({ overdue: true, ackDueAt: '2026-11-25T09:00:00Z' }), now)).toBe('Overdue by 3 days');
  });

  it('says nothing once someone has the alert in hand', () => {
    expect(dueText(alertFixture({ status: 'ACKNOWLEDGED', overdue: false }), now)).toBeNull();
  });
});

describe('alertTitle', () => {
  it('names the flag, or the upcoming session', () => {
    expect(alertTitle(alertFixture())).toBe('Reschedules');
    expect(alertTitle(alertFixture({ kind: 'UPCOMING_SESSION', flag: null }))).toBe('Upcoming session at risk');
  });
});

describe('actionErrorMessage', () => {
  const coded = (code: string, message = 'x') =>
    new CombinedError({ graphQLErrors: [{ message, extensions: { code } }] });

  it('tells a coach who lost a race that someone else acted first', () => {
    expect(actionErrorMessage(coded('CONFLICT', 'the alert changed since version 1'))).toMatch(/^Someone else changed this alert first/);
  });

  it('explains a refused transition with the server’s reason, without the field prefix', () => {
    expect(actionErrorMessage(coded('BAD_USER_INPUT', 'id: the alert is RESOLVED'))).toBe('Not possible: the alert is RESOLVED');
  });

  it('explains a viewer’s refusal and a lost connection', () => {
    expect(actionErrorMessage(coded('FORBIDDEN'))).toContain('viewers can only read');
    expect(actionErrorMessage(new CombinedError({ networkError: new Error('Failed to fetch') }))).toContain('Could not reach the server');
  });
});

describe('historyText', () => {
  const names = new Map([['u1', 'Ben Coach']]);

  it('says who an alert was assigned to, or that it was unassigned', () => {
    expect(historyText({ action: 'alert.assigned', after: { assignee_id: 'u1' } }, names)).toBe('Assigned to Ben Coach');
    expect(historyText({ action: 'alert.assigned', after: { assignee_id: null } }, names)).toBe('Unassigned');
  });

  it('tells a false alarm from an actioned resolution and from a recovery', () => {
    expect(historyText({ action: 'alert.resolved', after: { resolution: 'false_alarm' } }, names)).toBe('Dismissed as a false alarm');
    expect(historyText({ action: 'alert.resolved', after: { resolution: 'actioned' } }, names)).toBe('Resolved as actioned');
    expect(historyText({ action: 'alert.recovered', after: {} }, names)).toBe('Resolved by itself: the flag cleared');
  });

  it('keeps an action it does not know as it is', () => {
    expect(historyText({ action: 'alert.something_new' }, names)).toBe('alert.something_new');
  });

  it('names people, tutorscore itself and the local admin', () => {
    expect(actorText({ actorKind: 'USER', actorLabel: 'ben@x', actor: { name: 'Ben Coach' } })).toBe('Ben Coach');
    expect(actorText({ actorKind: 'SYSTEM', actorLabel: 'system' })).toBe('tutorscore');
    expect(actorText({ actorKind: 'LOCAL', actorLabel: 'local' })).toBe('Local admin');
  });
});
