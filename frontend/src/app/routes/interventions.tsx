import { InterventionsPage } from '@/features/interventions/components/InterventionsPage';
import { useLive } from '@/features/live/components/LiveProvider';
import { useViewer } from '../viewer';

export default function InterventionsRoute() {
  const live = useLive();
  return (
    <InterventionsPage
      viewer={useViewer()}
      liveInterventions={live.interventions}
      interventionChanges={live.interventionChanges}
      resync={live.resync}
    />
  );
}
