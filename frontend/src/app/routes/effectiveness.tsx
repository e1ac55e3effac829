import { EffectivenessPage } from '@/features/effectiveness/components/EffectivenessPage';

export default function EffectivenessRoute() {
  return <EffectivenessPage />;
}
