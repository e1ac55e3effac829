import { useParams } from 'react-router';
import { useLive } from '@/features/live/components/LiveProvider';
import { TutorDetailPage } from '@/features/tutor-detail/components/TutorDetailPage';

export default function TutorDetailRoute() {
  const { id = '' } = useParams();
  const live = useLive();
  // Keyed by id: another tutor starts from a clean page.
  return <TutorDetailPage key={id} id={id} liveScore={live.scores.get(id)} resync={live.resync} />;
}
