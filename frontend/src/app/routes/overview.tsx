import { OverviewPage } from '@/features/overview/components/OverviewPage';
import { useLive } from '@/features/live/components/LiveProvider';

export default function OverviewRoute() {
  const live = useLive();
  return <OverviewPage liveRiskChanges={live.riskChanges} liveScores={live.scores} resync={live.resync} alertChanges={live.alertChanges} />;
}
