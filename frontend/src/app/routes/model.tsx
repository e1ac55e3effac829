import { useLive } from '@/features/live/components/LiveProvider';
import { ModelPage } from '@/features/upcoming/components/ModelPage';

export default function ModelRoute() {
  return <ModelPage resync={useLive().resync} />;
}
