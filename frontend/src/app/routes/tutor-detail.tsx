import { useParams } from 'react-router';
import { TutorAlertsPanel } from '@/features/alerts/components/TutorAlertsPanel';
import { useLive } from '@/features/live/components/LiveProvider';
import { TutorDetailPage } from '@/features/tutor-detail/components/TutorDetailPage';
import { TutorUpcomingPanel } from '@/features/upcoming/components/TutorUpcomingPanel';
import { useViewer } from '../viewer';

export default function TutorDetailRoute() {
  const { id = '' } = useParams();
  const live = useLive();
  const viewer = useViewer();
  const liveScore = live.scores.get(id);
  // Keyed by id: another tutor starts from a clean page.
  return (
    <TutorDetailPage
      key={id}
      id={id}
      liveScore={liveScore}
      resync={live.resync}
      panels={
        <>
          <TutorAlertsPanel tutorId={id} viewer={viewer} liveAlerts={live.alerts} alertChanges={live.alertChanges} resync={live.resync} />
          <TutorUpcomingPanel tutorId={id} signal={`${live.resync}:${liveScore?.version ?? 0}`} />
        </>
      }
    />
  );
}
