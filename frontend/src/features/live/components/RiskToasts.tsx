import { useEffect } from 'react';
import { Link } from 'react-router';
import { flagLabel } from '@/lib/labels';
import { riskChangeKey, type RiskChange } from '../live-state';

const TOAST_MS = 10_000;
/** At most this many toasts at once (a burst would cover a phone's screen); the rest are counted. */
const MAX_SHOWN = 3;

interface RiskToastsProps {
  toasts: readonly RiskChange[];
  onDismiss: (key: string) => void;
}

/** Announces tutors who just turned HIGH; each toast closes itself after a while. */
export function RiskToasts({ toasts, onDismiss }: RiskToastsProps) {
  return (
    <div
      aria-live="polite"
      aria-label="Risk alerts"
      role="region"
      className="pointer-events-none fixed inset-x-2 bottom-2 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4"
    >
      {toasts.slice(-MAX_SHOWN).map((change) => (
        <Toast key={riskChangeKey(change)} change={change} onDismiss={onDismiss} />
      ))}
      {toasts.length > MAX_SHOWN && (
        <div className="pointer-events-auto flex w-full max-w-sm items-center justify-between gap-2 rounded-lg border border-red-300 bg-white px-3 py-2 text-sm shadow-lg sm:w-80">
          <span>
            and {toasts.length - MAX_SHOWN} more {toasts.length - MAX_SHOWN === 1 ? 'tutor' : 'tutors'} turned High risk
          </span>
          <button type="button" className="link" onClick={() => toasts.forEach((t) => onDismiss(riskChangeKey(t)))}>
            Dismiss all
          </button>
        </div>
      )}
    </div>
  );
}

function Toast({ change, onDismiss }: { change: RiskChange; onDismiss: (key: string) => void }) {
  const key = riskChangeKey(change);
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(key), TOAST_MS);
    return () => clearTimeout(timer);
  }, [key, onDismiss]);

  return (
    <div className="pointer-events-auto w-full max-w-sm rounded-lg border border-red-300 bg-white p-3 text-sm shadow-lg sm:w-80">
      <div className="flex items-start justify-between gap-2">
        <p>
          <Link to={`/tutors/${change.tutorId}`} className="link">
            {change.tutorName}
          </Link>{' '}
          is now <strong className="text-red-800">High risk</strong>
        </p>
        <button
          type="button"
          onClick={() => onDismiss(key)}
          className="rounded px-1 text-slate-600 hover:text-slate-900"
          aria-label={`Dismiss alert about ${change.tutorName}`}
        >
          ×
        </button>
      </div>
      {change.flags.length > 0 && (
        <p className="mt-1 text-slate-600">{change.flags.map((f) => flagLabel[f]).join(', ')}</p>
      )}
    </div>
  );
}
