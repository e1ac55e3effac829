import { AlertsPage } from '@/features/alerts/components/AlertsPage';
import { useLive } from '@/features/live/components/LiveProvider';
import { useViewer } from '../viewer';

export default function AlertsRoute() {
  const live = useLive();
  return <AlertsPage viewer={useViewer()} liveAlerts={live.alerts} alertChanges={live.alertChanges} resync={live.resync} />;
}
