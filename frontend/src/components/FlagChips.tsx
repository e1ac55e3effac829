import type { FlagCode, FlagSeverity } from '@/gql/graphql';
import { flagLabel } from '@/lib/labels';

interface FlagChipsProps {
  flags: readonly { code: FlagCode; severity?: FlagSeverity }[];
}

/** Flags as small labels; critical ones are marked with "!" as well as colour. */
export function FlagChips({ flags }: FlagChipsProps) {
  if (flags.length === 0) return <span className="text-slate-500">None</span>;
  return (
    <ul className="flex flex-wrap gap-1">
      {flags.map(({ code, severity }) => (
        <li
          key={code}
          className={`rounded px-1.5 py-0.5 text-xs whitespace-nowrap ${
            severity === 'CRITICAL' ? 'bg-red-700 font-semibold text-white' : 'bg-slate-200 text-slate-800'
          }`}
        >
          {flagLabel[code]}
          {severity === 'CRITICAL' && (
            <>
              <span aria-hidden="true"> !</span>
              <span className="sr-only"> (critical)</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
