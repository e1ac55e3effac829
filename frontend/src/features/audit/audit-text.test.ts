import { describe, expect, it } from 'vitest';
import { actionFilterLabel, actionLabel, actionPrefixes, actorKindLabel, subjectHref, subjectTypeLabel, tutorHref } from './audit-text';

describe('the audit trail in words', () => {
  it('names the actions the server records, and none it does not know', () => {
    expect(actionLabel('alert.acknowledged')).toBe('Alert acknowledged');
    expect(actionLabel('user.signed_in')).toBe('Signed in');
    expect(actionLabel('intervention.measured')).toBe('Intervention outcome measured');
    expect(actionLabel('tutor.risk_changed')).toBe('Risk level changed');
    expect(actionLabel('alert.teleported')).toBeNull();
    expect(actionLabel('toString')).toBeNull();
  });

  it('offers a prefix for every kind of action it names', () => {
    const prefixes = actionPrefixes.map((p) => p.prefix);
    expect(prefixes).toEqual(['alert.', 'email.', 'intervention.', 'note.', 'tutor.', 'user.']);
    for (const action of ['alert.resolved', 'email.sent', 'intervention.planned', 'note.pinned', 'tutor.risk_changed', 'user.created']) {
      expect(prefixes.some((p) => action.startsWith(p))).toBe(true);
    }
    expect(actionFilterLabel('user.')).toBe('People and sign-ins');
    expect(actionFilterLabel('user.signed_in')).toBe('Signed in');
    expect(actionFilterLabel('email.sent')).toBe('Email sent');
    expect(actionFilterLabel('session.')).toBe('session.');
  });

  it('says what kind of actor acted', () => {
    expect(actorKindLabel).toEqual({ USER: 'person', KEY: 'key', LOCAL: 'local', SYSTEM: 'system' });
  });

  it('names the subject and links an alert to its page and a tutor to theirs', () => {
    expect(subjectTypeLabel('sign_in')).toBe('Sign-in');
    expect(subjectTypeLabel('webhook')).toBe('webhook');
    const alert = { subjectType: 'alert', subjectId: 'a-1', tutorId: 't-1' };
    expect(subjectHref(alert)).toBe('/alerts/a-1');
    expect(tutorHref(alert)).toBe('/tutors/t-1');
    const risk = { subjectType: 'tutor', subjectId: 't-2', tutorId: 't-2' };
    expect(subjectHref(risk)).toBe('/tutors/t-2');
    expect(tutorHref(risk)).toBeNull();
    const user = { subjectType: 'user', subjectId: 'u-1', tutorId: null };
    expect(subjectHref(user)).toBeNull();
    expect(tutorHref(user)).toBeNull();
    expect(tutorHref({ subjectType: 'note', subjectId: 'n-1', tutorId: 't-3' })).toBe('/tutors/t-3');
  });
});
