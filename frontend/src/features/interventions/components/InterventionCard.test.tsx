import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { Provider, type Client } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { fromValue } from 'wonka';
import { interventionFixture } from '@/testing/intervention-fixture';
import type { InterventionItem } from '@/lib/intervention';
import type { Viewer } from '../types';
import { InterventionCard } from './InterventionCard';

const now = Date.parse('2026-12-01T12:00:00Z');
const ben: Viewer = { canTriage: true, canAdminister: false, userId: 'user-ben' };

function renderCard(intervention: InterventionItem, viewer: Viewer = ben, answer: object = { data: {} }) {
  const executeMutation = vi.fn(() => fromValue(answer));
  const client = { executeMutation } as unknown as Client;
  render(
    <Provider value={client}>
      <MemoryRouter>
        <InterventionCard intervention={intervention} viewer={viewer} now={now} />
      </MemoryRouter>
    </Provider>,
  );
  return executeMutation;
}

describe('an intervention card', () => {
  it('marks an overdue one and links its tutor and alerts', () => {
    renderCard(interventionFixture({ overdue: true, dueAt: '2026-11-29T12:00:00Z' }));
    expect(screen.getByTestId('intervention-due').textContent).toBe('⏰ Overdue by 2 days');
    expect(screen.getByRole('link', { name: 'Ava Jensen' }).getAttribute('href')).toBe('/tutors/tutor-1');
    expect(screen.getByTestId('intervention-alert').getAttribute('href')).toBe('/alerts/alert-1');
    expect(screen.getByRole('article').className).toContain('border-red-300');
  });

  it('completes with the version seen, resolving the alerts unless the coach unticks it', async () => {
    const execute = renderCard(interventionFixture({ version: 4 }));
    fireEvent.click(screen.getByRole('button', { name: 'Complete…' }));
    const resolve = screen.getByLabelText('Resolve its unresolved alert as actioned') as HTMLInputElement;
    expect(resolve.checked).toBe(true);
    fireEvent.change(screen.getByLabelText('What was done (note)'), { target: { value: ' Called. ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mark done' }));
    await waitFor(() => expect(execute).toHaveBeenCalledTimes(1));
    const [operation] = execute.mock.calls[0] as unknown as [{ variables: unknown }];
    expect(operation.variables).toEqual({ id: 'iv-1', version: 4, note: 'Called.', resolveAlerts: true });
  });

  it('says when someone else acted first', async () => {
    renderCard(interventionFixture(), ben, { error: { graphQLErrors: [{ message: 'stale', extensions: { code: 'CONFLICT' } }] } });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel intervention…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the intervention' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Someone else changed this intervention first/);
  });

  it('shows the measured outcome with its sentence beside the owner’s assessment, and lets only the owner assess', () => {
    const done = interventionFixture({
      status: 'DONE',
      completedAt: '2026-10-01T12:00:00Z',
      outcome: 'IMPROVED',
      assessment: 'NO_CHANGE',
      assessmentNote: 'Too early to say.',
      outcomes: [
        {
          flag: 'RESCHEDULE_RATE',
          verdict: 'IMPROVED',
          periodDays: 28,
          beforeCount: 9,
          beforeOutOf: 31,
          afterCount: 2,
          afterOutOf: 28,
          beforeRate: 29,
          afterRate: 7.1,
          change: -21.9,
          changeInterval: [-40, -3],
          sentence: 'reschedules 9 of 31 before, 2 of 28 after',
        },
      ],
    });
    renderCard(done);
    expect(screen.getByTestId('intervention-outcome').textContent).toBe('ImprovedReschedules: reschedules 9 of 31 before, 2 of 28 after');
    expect(screen.getByTestId('intervention-assessment').textContent).toBe('No change“Too early to say.”');
    expect(screen.getByRole('button', { name: 'Change your assessment…' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Complete…' })).toBeNull();
  });

  it('offers a viewer, or a coach who is not the owner of a done one, nothing to do', () => {
    renderCard(interventionFixture(), { canTriage: false, canAdminister: false, userId: 'user-dev' });
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });
});
