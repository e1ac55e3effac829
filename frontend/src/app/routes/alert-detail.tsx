import { useParams } from 'react-router';
import { AlertDetailPage } from '@/features/alerts/components/AlertDetailPage';
import { InterventionsPanel } from '@/features/interventions/components/InterventionsPanel';
import { useLive } from '@/features/live/components/LiveProvider';
import { useViewer } from '../viewer';

export default function AlertDetailRoute() {
  const { id = '' } = useParams();
  const live = useLive();
  const viewer = useViewer();
  return (
    <AlertDetailPage
      key={id}
      id={id}
      viewer={viewer}
      liveAlert={live.alerts.get(id)}
      resync={live.resync}
      panels={({ tutorId, resolved }) => (
        <InterventionsPanel
          tutorId={tutorId}
          alertId={id}
          closed={resolved}
          viewer={viewer}
          liveInterventions={live.interventions}
          interventionChanges={live.interventionChanges}
          resync={live.resync}
          className="lg:col-span-2"
        />
      )}
    />
  );
}
