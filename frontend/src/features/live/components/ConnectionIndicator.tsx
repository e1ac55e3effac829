import { useConnectionStatus, type ConnectionStatus } from '@/lib/graphql-client';

const appearance: Record<ConnectionStatus, { label: string; dot: string }> = {
  connecting: { label: 'Connecting…', dot: 'bg-slate-400' },
  connected: { label: 'Connected', dot: 'bg-emerald-600' },
  reconnecting: { label: 'Reconnecting…', dot: 'bg-amber-500 animate-pulse' },
  offline: { label: 'Offline', dot: 'bg-red-600' },
};

/** Whether live updates are flowing, in a dot and in words. */
export function ConnectionIndicator() {
  const status = useConnectionStatus();
  const { label, dot } = appearance[status];
  return (
    <span role="status" data-status={status} className="inline-flex items-center gap-2 text-sm text-slate-700">
      <span aria-hidden="true" className={`size-2.5 rounded-full ${dot}`} />
      {label}
    </span>
  );
}
