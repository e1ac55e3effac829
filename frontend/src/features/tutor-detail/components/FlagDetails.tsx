import type { TutorScore } from '@/lib/score';
import { flagLabel } from '@/lib/labels';

/** Every broken rule with its evidence and the recommended intervention. */
export function FlagDetails({ flags }: { flags: TutorScore['flags'] }) {
  if (flags.length === 0) return <p className="text-sm text-slate-600">No flags: nothing to act on.</p>;
  return (
    <ul className="flex flex-col gap-3">
      {flags.map((flag) => (
        <li
          key={flag.code}
          className={`rounded-md border-l-4 p-3 text-sm ${flag.severity === 'CRITICAL' ? 'border-red-700 bg-red-50' : 'border-amber-500 bg-amber-50'}`}
        >
          <p className="font-semibold">
            {flagLabel[flag.code]}{' '}
            <span className="font-normal text-slate-700">
              · {flag.severity === 'CRITICAL' ? 'Critical' : 'Warning'} · {flag.windowDays} days
            </span>
          </p>
          <p className="mt-1">{flag.evidence}</p>
          <p className="mt-1">
            <span className="font-semibold">Recommendation: </span>
            {flag.recommendation}
          </p>
        </li>
      ))}
    </ul>
  );
}
