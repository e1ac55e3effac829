import { describe, expect, it } from 'vitest';
import { CombinedError } from 'urql';
import { interventionFixture } from '@/testing/intervention-fixture';
import { actionErrorMessage, dueText, endOfDay, pendingOutcomeText } from './intervention-text';
import { mayAssess } from './types';

const now = Date.parse('2026-12-01T12:00:00Z');

describe('interventions in words', () => {
  it('says when a planned one is due, or how long it is overdue', () => {
    expect(dueText(interventionFixture({ dueAt: '2026-12-03T12:00:00Z' }), now)).toBe('Due in 2 days');
    expect(dueText(interventionFixture({ dueAt: '2026-11-28T12:00:00Z', overdue: true }), now)).toBe('Overdue by 3 days');
    expect(dueText(interventionFixture({ status: 'DONE', completedAt: '2026-11-30T09:00:00Z' }), now)).toBe('Done 30 Nov 2026, 09:00');
  });

  it('says when the follow-up will measure a done one', () => {
    const done = interventionFixture({ status: 'DONE', followUpAt: '2026-12-29T12:00:00Z', followUpDays: 28 });
    expect(pendingOutcomeText(done, now)).toBe('Measured in 28 days (28 days before against 28 after)');
    expect(pendingOutcomeText(interventionFixture(), now)).toBe('Measured once done');
    expect(pendingOutcomeText(interventionFixture({ status: 'CANCELLED' }), now)).toBeNull();
  });

  it('explains a conflict as someone else acting first', () => {
    const error = new CombinedError({ graphQLErrors: [{ message: 'stale', extensions: { code: 'CONFLICT' } }] });
    expect(actionErrorMessage(error)).toMatch(/^Someone else changed this intervention first/);
  });

  it('turns a picked day into the end of that day', () => {
    expect(endOfDay('2026-12-10')).toBe('2026-12-10T23:59:00.000Z');
    expect(endOfDay('10/12/2026')).toBeNull();
  });

  it('lets the owner or an admin assess a done intervention, no one else', () => {
    const done = interventionFixture({ status: 'DONE' });
    expect(mayAssess({ canTriage: true, canAdminister: false, userId: 'user-ben' }, done)).toBe(true);
    expect(mayAssess({ canTriage: true, canAdminister: false, userId: 'user-cleo' }, done)).toBe(false);
    expect(mayAssess({ canTriage: true, canAdminister: true, userId: null }, done)).toBe(true);
    expect(mayAssess({ canTriage: true, canAdminister: true, userId: 'x' }, interventionFixture())).toBe(false);
    expect(mayAssess({ canTriage: false, canAdminister: false, userId: 'user-ben' }, done)).toBe(false);
  });
});
