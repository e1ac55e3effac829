import type { InterventionStatus, OutcomeVerdict } from '@/gql/graphql';
import { interventionStatusLabel, verdictLabel } from '@/lib/labels';

const statusTone: Record<InterventionStatus, string> = {
  PLANNED: 'bg-blue-50 text-blue-900 ring-blue-300',
  DONE: 'bg-emerald-50 text-emerald-900 ring-emerald-300',
  CANCELLED: 'bg-slate-100 text-slate-800 ring-slate-300',
};

const badge = 'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset';

export function InterventionStatusBadge({ status }: { status: InterventionStatus }) {
  return (
    <span data-testid="intervention-status" className={`${badge} ${statusTone[status]}`}>
      {interventionStatusLabel[status]}
    </span>
  );
}

const verdictTone: Record<OutcomeVerdict, string> = {
  IMPROVED: 'bg-emerald-50 text-emerald-900 ring-emerald-300',
  NO_CHANGE: 'bg-slate-100 text-slate-800 ring-slate-300',
  WORSE: 'bg-red-50 text-red-900 ring-red-300',
  NOT_ENOUGH_DATA: 'bg-amber-50 text-amber-900 ring-amber-300',
  CHURNED: 'bg-violet-50 text-violet-900 ring-violet-300',
};

export function VerdictBadge({ verdict, testId }: { verdict: OutcomeVerdict; testId?: string }) {
  return (
    <span data-testid={testId} className={`${badge} ${verdictTone[verdict]}`}>
      {verdictLabel[verdict]}
    </span>
  );
}
