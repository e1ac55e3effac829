import { useParams } from 'react-router';
import { AlertDetailPage } from '@/features/alerts/components/AlertDetailPage';
import { useLive } from '@/features/live/components/LiveProvider';
import { useViewer } from '../viewer';

export default function AlertDetailRoute() {
  const { id = '' } = useParams();
  const live = useLive();
  return <AlertDetailPage key={id} id={id} viewer={useViewer()} liveAlert={live.alerts.get(id)} resync={live.resync} />;
}
