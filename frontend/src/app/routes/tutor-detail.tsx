import { useParams } from 'react-router';
import { TutorAlertsPanel } from '@/features/alerts/components/TutorAlertsPanel';
import { InterventionsPanel } from '@/features/interventions/components/InterventionsPanel';
import { useLive } from '@/features/live/components/LiveProvider';
import { NotesPanel } from '@/features/notes/components/NotesPanel';
import { TimelinePanel } from '@/features/timeline/components/TimelinePanel';
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
      canAdminister={viewer.canAdminister}
      panels={
        <>
          <TutorAlertsPanel tutorId={id} viewer={viewer} liveAlerts={live.alerts} alertChanges={live.alertChanges} resync={live.resync} />
          <InterventionsPanel
            tutorId={id}
            viewer={viewer}
            liveInterventions={live.interventions}
            interventionChanges={live.interventionChanges}
            resync={live.resync}
            className="lg:col-span-2"
          />
          <NotesPanel tutorId={id} canWrite={viewer.canTriage} userId={viewer.userId} signal={live.resync} />
          <TimelinePanel key={id} tutorId={id} />
          <TutorUpcomingPanel tutorId={id} signal={`${live.resync}:${liveScore?.version ?? 0}`} />
        </>
      }
    />
  );
}
