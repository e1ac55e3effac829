import { useLive } from '@/features/live/components/LiveProvider';
import { UpcomingPage } from '@/features/upcoming/components/UpcomingPage';

export default function UpcomingRoute() {
  const live = useLive();
  return <UpcomingPage liveScores={live.scores} resync={live.resync} />;
}
