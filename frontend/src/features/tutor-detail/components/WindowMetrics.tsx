import { Rate } from '@/components/Rate';
import type { TutorDetailQuery } from '@/gql/graphql';
import type { ScoreWindow } from '@/lib/score';

type Thresholds = TutorDetailQuery['scoringRules'];

interface Metric {
  label: string;
  rate: (w: ScoreWindow) => number;
  /** Events out of how many, in words. */
  counts: (w: ScoreWindow) => string;
  threshold: (t: Thresholds) => number;
}

const metrics: Metric[] = [
  {
    label: 'Reschedules (tutor)',
    rate: (w) => w.rescheduleRate,
    counts: (w) => `${w.tutorReschedules} of ${w.sessions}, ${w.lastMinuteReschedules} last-minute`,
    threshold: (t) => t.rescheduleThreshold,
  },
  {
    label: 'No-shows (tutor)',
    rate: (w) => w.noShowRate,
    counts: (w) => `${w.tutorNoShows} of ${w.dueSessions}`,
    threshold: (t) => t.noShowThreshold,
  },
  {
    label: 'Late starts',
    rate: (w) => w.lateStartRate,
    counts: (w) => `${w.lateStarts} of ${w.completedSessions}`,
    threshold: (t) => t.lateStartThreshold,
  },
  {
    label: 'Early ends',
    rate: (w) => w.earlyEndRate,
    counts: (w) => `${w.earlyEnds} of ${w.completedSessions}`,
    threshold: (t) => t.earlyEndThreshold,
  },
  {
    label: 'Poor first sessions',
    rate: (w) => w.poorFirstSessionRate,
    counts: (w) => `${w.poorFirstSessions} of ${w.firstSessions}`,
    threshold: (t) => t.poorFirstSessionThreshold,
  },
];

/** Each metric per window (7, 30, 90 days); a window with too few sessions says so. */
export function WindowMetrics({ windows, thresholds }: { windows: readonly ScoreWindow[]; thresholds: Thresholds }) {
  return (
    <div className="relative overflow-x-auto" tabIndex={0} aria-label="Metrics by window, scrolls sideways">
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-slate-700">
          <tr>
            <th scope="col" className="py-2 pr-3 font-semibold">
              Metric
            </th>
            {windows.map((w) => (
              <th key={w.days} scope="col" className="px-3 py-2 font-semibold whitespace-nowrap">
                {w.days} days <span className="font-normal text-slate-600">({w.sessions} sessions)</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {metrics.map((metric) => (
            <tr key={metric.label} className="border-t border-slate-200">
              <th scope="row" className="py-2 pr-3 font-medium">
                {metric.label}
              </th>
              {windows.map((w) => (
                <td key={w.days} className="px-3 py-2 tabular-nums">
                  {w.enoughData ? (
                    <>
                      <Rate rate={metric.rate(w)} threshold={metric.threshold(thresholds)} enoughData />
                      <span className="block text-xs text-slate-600">{metric.counts(w)}</span>
                    </>
                  ) : (
                    <span className="text-slate-600">not enough data</span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
