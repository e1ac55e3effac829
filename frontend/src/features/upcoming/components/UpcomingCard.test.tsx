import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { UpcomingItem } from '../api/get-upcoming';
import { UpcomingCard } from './UpcomingCard';

const item = (prediction: UpcomingItem['prediction'], isFirstSession = false): UpcomingItem => ({
  session: {
    id: 's1',
    externalId: 'ext-1',
    scheduledStart: '2026-12-02T18:30:00Z',
    scheduledMinutes: 60,
    isFirstSession,
    studentRef: 'student-7',
    bookedAt: null,
    tutor: { id: 't1', name: 'Ava Jensen' },
  },
  prediction,
});

const prediction = {
  probability: 0.859,
  poorFirstProbability: 0.236,
  modelVersion: 1,
  predictedAt: '2026-12-01T12:00:00Z',
  reasons: [
    { feature: 'failure_rate_90d', text: 'tutor rescheduled or missed 50 of 67 sessions in 90 days', points: 60 },
    { feature: 'lead_time', text: 'booked only 31 hours ahead', points: 5.2 },
    { feature: 'failure_rate_30d', text: 'tutor rescheduled or missed 18 of 24 sessions', points: -4 },
  ],
};

const now = Date.parse('2026-12-01T12:30:00Z');

describe('UpcomingCard', () => {
  it('shows the probability, the first-session risk and the three reasons with their points', () => {
    render(
      <MemoryRouter>
        <UpcomingCard item={item(prediction, true)} now={now} />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('failure-probability').textContent).toBe('86%');
    expect(screen.getByText('First session')).toBeTruthy();
    expect(screen.getByText(/Chance of a poor first session/).textContent).toBe('Chance of a poor first session: 24%');
    const reasons = screen.getByRole('list', { name: 'Top reasons' }).querySelectorAll('li');
    expect([...reasons].map((r) => r.textContent)).toEqual([
      'tutor rescheduled or missed 50 of 67 sessions in 90 days+60 points',
      'booked only 31 hours ahead+5.2 points',
      'tutor rescheduled or missed 18 of 24 sessions−4 points',
    ]);
    expect(screen.getByRole('link', { name: 'Ava Jensen' }).getAttribute('href')).toBe('/tutors/t1');
    expect(screen.getByText(/in 30 h/)).toBeTruthy();
  });

  it('says so when no model has predicted the session', () => {
    render(
      <MemoryRouter>
        <UpcomingCard item={item(null)} now={now} />
      </MemoryRouter>,
    );
    expect(screen.queryByTestId('failure-probability')).toBeNull();
    expect(screen.getByText(/Not predicted yet: no model is in use/)).toBeTruthy();
  });
});
