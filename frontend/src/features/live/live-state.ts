// What the live subscriptions have told this page since it loaded, as a pure reducer: scores
// newer than what was fetched, a resync counter bumped by every snapshot, risk changes for the
// feed, the toasts of tutors that turned HIGH, and alerts newer than what was fetched with a
// counter that pages showing alerts refetch on, and the same for interventions.
import type {
  AlertChangesSubscription,
  InterventionChangesSubscription,
  RiskChangesSubscription,
  ScoreUpdatesSubscription,
} from '@/gql/graphql';
import type { AlertItem } from '@/lib/alert';
import type { InterventionItem } from '@/lib/intervention';
import type { TutorScore } from '@/lib/score';

export type ScoreUpdate = ScoreUpdatesSubscription['tutorScoreUpdated'];
export type RiskChange = NonNullable<RiskChangesSubscription['riskLevelChanged']['change']>;
export type AlertUpdate = AlertChangesSubscription['alertChanged'];
export type InterventionUpdate = InterventionChangesSubscription['interventionChanged'];

export interface LiveState {
  /** The newest score received per tutor id. */
  scores: ReadonlyMap<string, TutorScore>;
  /** Bumped by every snapshot: pages refetch what they show when it changes. */
  resync: number;
  /** Risk changes received live, newest first. */
  riskChanges: readonly RiskChange[];
  /** Tutors that turned HIGH, whose toast is still open. */
  toasts: readonly RiskChange[];
  /** The newest version received per alert id. */
  alerts: ReadonlyMap<string, AlertItem>;
  /** Bumped by every alert change and alert snapshot: pages showing alerts refetch on it. */
  alertChanges: number;
  /** The newest version received per intervention id. */
  interventions: ReadonlyMap<string, InterventionItem>;
  /** Bumped by every intervention change and snapshot: pages showing interventions refetch on it. */
  interventionChanges: number;
}

export type LiveAction =
  | { type: 'scoreUpdated'; update: ScoreUpdate }
  | { type: 'riskChanged'; change: RiskChange }
  | { type: 'toastDismissed'; key: string }
  | { type: 'alertChanged'; update: AlertUpdate }
  | { type: 'interventionChanged'; update: InterventionUpdate };

export const initialLiveState: LiveState = {
  scores: new Map(),
  resync: 0,
  riskChanges: [],
  toasts: [],
  alerts: new Map(),
  alertChanges: 0,
  interventions: new Map(),
  interventionChanges: 0,
};

const MAX_RISK_CHANGES = 50;

/** Identifies one risk change: a tutor's score version changes its level at most once. */
export const riskChangeKey = (change: RiskChange) => `${change.tutorId}:${change.version}`;

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'scoreUpdated': {
      const { snapshot, tutorId, score } = action.update;
      if (snapshot) return { ...state, resync: state.resync + 1 };
      if (!tutorId || !score) return state;
      const held = state.scores.get(tutorId);
      if (held && held.version >= score.version) return state;
      return { ...state, scores: new Map(state.scores).set(tutorId, score) };
    }
    case 'riskChanged': {
      const key = riskChangeKey(action.change);
      if (state.riskChanges.some((c) => riskChangeKey(c) === key)) return state;
      return {
        ...state,
        riskChanges: [action.change, ...state.riskChanges].slice(0, MAX_RISK_CHANGES),
        toasts: action.change.to === 'HIGH' ? [...state.toasts, action.change] : state.toasts,
      };
    }
    case 'toastDismissed':
      return { ...state, toasts: state.toasts.filter((t) => riskChangeKey(t) !== action.key) };
    case 'alertChanged': {
      const { snapshot, alert } = action.update;
      if (snapshot) return { ...state, alertChanges: state.alertChanges + 1 };
      if (!alert) return state;
      const held = state.alerts.get(alert.id);
      if (held && held.version >= alert.version) return state;
      return { ...state, alerts: new Map(state.alerts).set(alert.id, alert), alertChanges: state.alertChanges + 1 };
    }
    case 'interventionChanged': {
      const { snapshot, intervention } = action.update;
      if (snapshot) return { ...state, interventionChanges: state.interventionChanges + 1 };
      if (!intervention) return state;
      const held = state.interventions.get(intervention.id);
      if (held && held.version >= intervention.version) return state;
      return {
        ...state,
        interventions: new Map(state.interventions).set(intervention.id, intervention),
        interventionChanges: state.interventionChanges + 1,
      };
    }
  }
}
