import { describe, expect, it } from 'vitest';
import { alertFixture } from '@/testing/alert-fixture';
import { interventionFixture } from '@/testing/intervention-fixture';
import { scoreFixture } from '@/testing/fixtures';
import { initialLiveState, liveReducer, type LiveAction, type LiveState, type RiskChange, type ScoreUpdate } from './live-state';

const update = (tutorId: string, version: number): ScoreUpdate => ({
  snapshot: false,
  tutorId,
  score: scoreFixture(version),
});
const snapshot: ScoreUpdate = { snapshot: true, tutorId: null, score: null };

const change = (tutorId: string, version: number, to: RiskChange['to']): RiskChange => ({
  tutorId,
  tutorName: `Tutor ${tutorId}`,
  from: 'LOW',
  to,
  flags: ['NO_SHOW_RATE'],
  at: '2026-11-27T12:00:00Z',
  version,
});

const apply = (state: LiveState, ...updates: ScoreUpdate[]) =>
  updates.reduce((s, u) => liveReducer(s, { type: 'scoreUpdated', update: u }), state);

describe('score updates', () => {
  it('keeps the newest score per tutor', () => {
    const state = apply(initialLiveState, update('a', 2), update('b', 5), update('a', 3));
    expect(state.scores.get('a')?.version).toBe(3);
    expect(state.scores.get('b')?.version).toBe(5);
  });

  it('drops an update older than the score held, and a repeat', () => {
    const held = apply(initialLiveState, update('a', 4));
    expect(apply(held, update('a', 3))).toBe(held);
    expect(apply(held, update('a', 4))).toBe(held);
  });

  it('asks for a refetch on every snapshot, first or later', () => {
    const first = apply(initialLiveState, snapshot);
    expect(first.resync).toBe(1);
    const later = apply(first, update('a', 2), snapshot);
    expect(later.resync).toBe(2);
    expect(later.scores.get('a')?.version).toBe(2);
  });

  it('ignores a message without a tutor or a score', () => {
    expect(apply(initialLiveState, { snapshot: false, tutorId: 'a', score: null })).toBe(initialLiveState);
  });
});

describe('risk changes', () => {
  const risk = (state: LiveState, c: RiskChange) => liveReducer(state, { type: 'riskChanged', change: c });

  it('lists changes newest first, each once', () => {
    let state = risk(initialLiveState, change('a', 2, 'MEDIUM'));
    state = risk(state, change('b', 3, 'LOW'));
    state = risk(state, change('a', 2, 'MEDIUM'));
    expect(state.riskChanges.map((c) => c.tutorId)).toEqual(['b', 'a']);
  });

  it('raises a toast only for tutors turning HIGH, until dismissed', () => {
    let state = risk(initialLiveState, change('a', 2, 'MEDIUM'));
    state = risk(state, change('b', 3, 'HIGH'));
    expect(state.toasts.map((t) => t.tutorId)).toEqual(['b']);
    state = liveReducer(state, { type: 'toastDismissed', key: 'b:3' });
    expect(state.toasts).toEqual([]);
    expect(state.riskChanges).toHaveLength(2);
  });
});

describe('alert changes', () => {
  const alertUpdate = (version: number, status: 'OPEN' | 'ACKNOWLEDGED' = 'OPEN') => ({
    snapshot: false,
    action: 'alert.acknowledged',
    alert: alertFixture({ version, status }),
  });
  const changed = (state: LiveState, action: LiveAction) => liveReducer(state, action);

  it('keeps the newest version of each alert and counts every change for the pages to refetch', () => {
    let state = changed(initialLiveState, { type: 'alertChanged', update: alertUpdate(2, 'ACKNOWLEDGED') });
    expect(state.alerts.get('alert-1')?.status).toBe('ACKNOWLEDGED');
    expect(state.alertChanges).toBe(1);
    const held = state;
    state = changed(state, { type: 'alertChanged', update: alertUpdate(1) });
    expect(state).toBe(held);
  });

  it('asks for a refetch on an alert snapshot', () => {
    const state = changed(initialLiveState, { type: 'alertChanged', update: { snapshot: true, action: null, alert: null } });
    expect(state.alertChanges).toBe(1);
    expect(state.alerts.size).toBe(0);
  });
});

describe('intervention changes', () => {
  const ivUpdate = (version: number, status: 'PLANNED' | 'DONE') => ({
    snapshot: false,
    action: 'intervention.completed',
    intervention: interventionFixture({ version, status }),
  });

  it('keeps the newest version of each intervention and counts every change and snapshot', () => {
    let state = liveReducer(initialLiveState, { type: 'interventionChanged', update: ivUpdate(3, 'DONE') });
    expect(state.interventions.get('iv-1')?.status).toBe('DONE');
    expect(state.interventionChanges).toBe(1);
    const held = state;
    state = liveReducer(state, { type: 'interventionChanged', update: ivUpdate(2, 'PLANNED') });
    expect(state).toBe(held);
    state = liveReducer(state, { type: 'interventionChanged', update: { snapshot: true, action: null, intervention: null } });
    expect(state.interventionChanges).toBe(2);
    expect(state.interventions.get('iv-1')?.version).toBe(3);
  });
});
