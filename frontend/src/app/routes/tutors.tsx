import { useLive } from '@/features/live/components/LiveProvider';
import { TutorsPage } from '@/features/tutors/components/TutorsPage';

export default function TutorsRoute() {
  const live = useLive();
  return <TutorsPage liveScores={live.scores} resync={live.resync} />;
}
