import { useId } from 'react';
import { Link } from 'react-router';
import { formatDateTime, formatPoints, formatProbability, formatRelative } from '@/lib/format';
import type { UpcomingItem } from '../api/get-upcoming';
import { riskTone } from '../upcoming-state';

const toneClass = {
  high: 'bg-red-700 text-white',
  medium: 'bg-amber-200 text-amber-950',
  low: 'bg-slate-200 text-slate-900',
} as const;

const barClass = { high: 'bg-red-700', medium: 'bg-amber-500', low: 'bg-slate-500' } as const;

interface UpcomingCardProps {
  item: UpcomingItem;
  now: number;
  /** Leave the tutor out (on the tutor's own page). */
  hideTutor?: boolean;
}

/** One booked session: when, with whom, how likely the tutor is to fail it, and why. */
export function UpcomingCard({ item: { session, prediction }, now, hideTutor = false }: UpcomingCardProps) {
  const titleId = useId();
  const tone = prediction ? riskTone(prediction.probability) : 'low';
  return (
    <article aria-labelledby={titleId} className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:p-4">
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:items-start sm:justify-between sm:gap-3">
        <div className="min-w-0">
          <h3 id={titleId} className="text-base font-semibold">
            <time dateTime={session.scheduledStart}>{formatDateTime(session.scheduledStart)}</time>
            {!hideTutor && (
              <>
                <span className="text-slate-500"> · </span>
                {session.tutor ? (
                  <Link to={`/tutors/${session.tutor.id}`} className="link">
                    {session.tutor.name}
                  </Link>
                ) : (
                  'Unknown tutor'
                )}
              </>
            )}
          </h3>
          <p className="text-xs text-slate-600">
            {formatRelative(session.scheduledStart, now)} · {session.scheduledMinutes} min · student {session.studentRef}
            {session.isFirstSession && (
              <span className="ml-2 rounded bg-blue-100 px-1.5 py-0.5 font-semibold text-blue-900">First session</span>
            )}
          </p>
        </div>
        {prediction && (
          <div className="flex shrink-0 items-center gap-2 sm:flex-col sm:items-end sm:gap-0">
            <span className={`rounded-md px-2 py-1 text-lg font-bold tabular-nums ${toneClass[tone]}`} data-testid="failure-probability">
              {formatProbability(prediction.probability)}
            </span>
            <span className="text-xs text-slate-600 sm:text-right">likely rescheduled or missed by the tutor</span>
          </div>
        )}
      </div>
      {prediction ? (
        <>
          <div className="h-1.5 w-full rounded bg-slate-100" aria-hidden="true">
            <div className={`h-1.5 rounded ${barClass[tone]}`} style={{ width: `${Math.round(prediction.probability * 100)}%` }} />
          </div>
          {typeof prediction.poorFirstProbability === 'number' && (
            <p className="text-sm">
              Chance of a poor first session: <strong className="tabular-nums">{formatProbability(prediction.poorFirstProbability)}</strong>
            </p>
          )}
          <div>
            <h4 className="text-xs font-semibold text-slate-700">Top reasons</h4>
            <ol aria-label="Top reasons" className="mt-1 flex flex-col gap-1 text-sm">
              {prediction.reasons.slice(0, 3).map((reason) => (
                <li key={reason.feature} className="flex flex-wrap items-baseline justify-between gap-x-3">
                  <span>{reason.text}</span>
                  <span className={`text-xs font-semibold whitespace-nowrap tabular-nums ${reason.points > 0 ? 'text-red-800' : 'text-emerald-800'}`}>
                    {formatPoints(reason.points)}
                  </span>
                </li>
              ))}
            </ol>
          </div>
        </>
      ) : (
        <p className="text-sm text-slate-600">Not predicted yet: no model is in use, so only the baseline judges this tutor.</p>
      )}
    </article>
  );
}
