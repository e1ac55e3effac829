import type { AlertResolution, AlertSeverity, AlertStatus } from '@/gql/graphql';
import { alertResolutionLabel, alertSeverityLabel, alertStatusLabel } from '@/lib/labels';

const severityTone: Record<AlertSeverity, string> = {
  CRITICAL: 'bg-red-700 text-white ring-red-800',
  WARNING: 'bg-amber-100 text-amber-900 ring-amber-300',
};

/** Critical or warning, in colour and words (critical also marked "!"). */
export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${severityTone[severity]}`}>
      {alertSeverityLabel[severity]}
      {severity === 'CRITICAL' && <span aria-hidden="true">&nbsp;!</span>}
    </span>
  );
}

const statusTone: Record<AlertStatus, string> = {
  OPEN: 'bg-blue-50 text-blue-900 ring-blue-300',
  ACKNOWLEDGED: 'bg-slate-100 text-slate-800 ring-slate-300',
  SNOOZED: 'bg-violet-50 text-violet-900 ring-violet-300',
  RESOLVED: 'bg-emerald-50 text-emerald-900 ring-emerald-300',
};

/** Where the alert is in its lifecycle; a resolved one says how. */
export function StatusBadge({ status, resolution }: { status: AlertStatus; resolution?: AlertResolution | null }) {
  return (
    <span
      data-testid="alert-status"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${statusTone[status]}`}
    >
      {alertStatusLabel[status]}
      {status === 'RESOLVED' && resolution && `: ${alertResolutionLabel[resolution]}`}
    </span>
  );
}
