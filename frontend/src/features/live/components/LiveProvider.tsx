// Runs the dashboard's global subscriptions (scores, risk changes, alerts, interventions) once, for every page, and hands what they say to
// the pages through context. Pages read it with `useLive()`; toasts render here.
import { createContext, use, useCallback, useEffect, useReducer, type ReactNode } from 'react';
import { useClient } from 'urql';
import { alertChangesSubscription } from '../api/alert-changes';
import { interventionChangesSubscription } from '../api/intervention-changes';
import { riskChangesSubscription } from '../api/risk-changes';
import { scoreUpdatesSubscription } from '../api/score-updates';
import { initialLiveState, liveReducer, type LiveState } from '../live-state';
import { RiskToasts } from './RiskToasts';

const LiveContext = createContext<LiveState>(initialLiveState);

export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const [state, dispatch] = useReducer(liveReducer, initialLiveState);
  const dismissToast = useCallback((key: string) => dispatch({ type: 'toastDismissed', key }), []);

  useEffect(() => {
    const scores = client.subscription(scoreUpdatesSubscription, {}).subscribe(({ data }) => {
      if (data) dispatch({ type: 'scoreUpdated', update: data.tutorScoreUpdated });
    });
    const risks = client.subscription(riskChangesSubscription, {}).subscribe(({ data }) => {
      const change = data?.riskLevelChanged.change;
      if (change) dispatch({ type: 'riskChanged', change });
    });
    const alerts = client.subscription(alertChangesSubscription, {}).subscribe(({ data }) => {
      if (data) dispatch({ type: 'alertChanged', update: data.alertChanged });
    });
    const interventions = client.subscription(interventionChangesSubscription, {}).subscribe(({ data }) => {
      if (data) dispatch({ type: 'interventionChanged', update: data.interventionChanged });
    });
    return () => {
      interventions.unsubscribe();
      scores.unsubscribe();
      risks.unsubscribe();
      alerts.unsubscribe();
    };
  }, [client]);

  return (
    <LiveContext value={state}>
      {children}
      <RiskToasts toasts={state.toasts} onDismiss={dismissToast} />
    </LiveContext>
  );
}

export function useLive(): LiveState {
  return use(LiveContext);
}
