import type { RiskLevel } from '@/gql/graphql';
import { riskLabel } from '@/lib/labels';

const tone: Record<RiskLevel, string> = {
  HIGH: 'bg-red-100 text-red-800 ring-red-300',
  MEDIUM: 'bg-amber-100 text-amber-900 ring-amber-300',
  LOW: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
};

/** A tutor's risk level in colour and in words (never colour alone); `null` means not scored yet. */
export function RiskBadge({ level }: { level: RiskLevel | null }) {
  const classes = level ? tone[level] : 'bg-slate-100 text-slate-700 ring-slate-300';
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ring-1 ring-inset ${classes}`}
    >
      {level ? riskLabel[level] : 'Not scored'}
      {level && <span className="sr-only"> risk</span>}
    </span>
  );
}
