import { lazy, Suspense, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ExportLink } from '@/components/ExportLink';
import { FlagChips } from '@/components/FlagChips';
import { Panel } from '@/components/Panel';
import { RiskBadge } from '@/components/RiskBadge';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { exportUrl } from '@/lib/export';
import { formatDateTime, formatPercent, formatScore } from '@/lib/format';
import { newestScore, type TutorScore } from '@/lib/score';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useTutorDetail } from '../api/get-tutor';
import { FlagDetails } from './FlagDetails';
import { RecentReschedules, RecentSessions } from './RecentActivity';
import { WindowMetrics } from './WindowMetrics';

const RescheduleRateChart = lazy(() => import('./TutorCharts').then((m) => ({ default: m.RescheduleRateChart })));
const WeeklyTrendChart = lazy(() => import('./TutorCharts').then((m) => ({ default: m.WeeklyTrendChart })));

interface TutorDetailPageProps {
  id: string;
  /** This tutor's newest score received live, if any: shown at once, and the page refetches. */
  liveScore: TutorScore | undefined;
  /** Changes when the live stream resyncs: the page refetches. */
  resync: number;
  /** Other areas' panels about this tutor (alerts, booked sessions), shown after the header. */
  panels?: ReactNode;
  /** Admins get a link to the audit trail narrowed to this tutor. */
  canAdminister?: boolean;
}

export function TutorDetailPage({ id, liveScore, resync, panels, canAdminister = false }: TutorDetailPageProps) {
  const [{ data, error }, refetch] = useTutorDetail(id);
  useRefetchOn(resync, refetch);
  useRefetchOn(liveScore?.version, refetch);

  const back = (
    <Link to="/tutors" className="link text-sm">
      ← All tutors
    </Link>
  );
  if (error && !data) {
    return (
      <div className="flex flex-col gap-4">
        {back}
        <ErrorState title="Could not load this tutor" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    );
  }
  if (!data) return <DetailSkeleton />;
  const { tutor, scoringRules } = data;
  if (!tutor) {
    return (
      <div className="flex flex-col gap-4">
        {back}
        <EmptyState title="No tutor with this id" />
      </div>
    );
  }
  const score = newestScore(tutor.score, liveScore);
  const chartFallback = <Skeleton className="h-[260px] w-full" />;

  return (
    <div className="flex flex-col gap-4">
      {back}
      <header className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold">{tutor.name}</h1>
          <RiskBadge level={score?.riskLevel ?? null} />
          {!tutor.active && <span className="text-sm text-slate-600">(inactive)</span>}
        </div>
        <p className="text-sm break-all text-slate-700">
          {tutor.externalId} · {tutor.email}
          {canAdminister && (
            <>
              {' · '}
              <Link to={`/audit?tutor=${encodeURIComponent(id)}`} className="link">
                Audit trail
              </Link>
            </>
          )}
        </p>
        {score ? (
          <>
            <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:flex sm:flex-wrap">
              <div>
                <dt className="text-slate-600">Quality score</dt>
                <dd className="text-lg font-semibold tabular-nums">{formatScore(score.qualityScore)}</dd>
              </div>
              <div>
                <dt className="text-slate-600">Risk since</dt>
                <dd>{formatDateTime(score.riskSince)}</dd>
              </div>
              <div>
                <dt className="text-slate-600">Updated</dt>
                <dd>{formatDateTime(score.computedAt)}</dd>
              </div>
            </dl>
            <FlagChips flags={score.flags} />
            <OutcomesMissing score={score} />
          </>
        ) : (
          <p className="text-sm text-slate-600">Not scored yet: no sessions recorded.</p>
        )}
      </header>

      <div className="grid gap-4 lg:grid-cols-2">
        {panels}
        <Panel title="Flags and recommendations">
          <FlagDetails flags={score?.flags ?? []} />
        </Panel>
        <Panel title="Metrics by window">
          {score ? <WindowMetrics windows={score.windows} thresholds={scoringRules} /> : <EmptyState title="No metrics yet" />}
        </Panel>
        <Panel title="Reschedule rate over time" aside={<ThresholdNote threshold={scoringRules.rescheduleThreshold} />}>
          {tutor.scoreHistory.length === 0 ? (
            <EmptyState title="No score history yet" />
          ) : (
            <figure>
              <Suspense fallback={chartFallback}>
                <RescheduleRateChart history={tutor.scoreHistory} threshold={scoringRules.rescheduleThreshold} />
              </Suspense>
              <figcaption className="sr-only">
                Tutor-initiated reschedule rate over the last 7, 30 and 90 days at each of the last{' '}
                {tutor.scoreHistory.length} score updates, against the {formatPercent(scoringRules.rescheduleThreshold)} threshold.
              </figcaption>
            </figure>
          )}
        </Panel>
        <Panel title="Weekly trend" aside={<ThresholdNote threshold={scoringRules.rescheduleThreshold} />}>
          <figure>
            <Suspense fallback={chartFallback}>
              <WeeklyTrendChart trend={tutor.weeklyTrend} threshold={scoringRules.rescheduleThreshold} />
            </Suspense>
            <figcaption className="sr-only">
              Sessions, tutor no-shows and the reschedule rate per week over the last {tutor.weeklyTrend.length} weeks.
            </figcaption>
          </figure>
        </Panel>
        <Panel title="Recent reschedules">
          <RecentReschedules reschedules={tutor.recentReschedules} />
        </Panel>
        <Panel title="Recent sessions" aside={<ExportLink href={exportUrl('sessions', { extra: { tutorId: tutor.id } })} what="all of this tutor’s sessions" />}>
          <RecentSessions sessions={tutor.sessions.edges} />
        </Panel>
      </div>
    </div>
  );
}

/** Booked sessions past their time with no outcome recorded: a data-quality signal, in no rate. */
function OutcomesMissing({ score }: { score: TutorScore }) {
  const longest = [...score.windows].sort((a, b) => b.days - a.days)[0];
  const missing = longest?.outcomesMissing ?? 0;
  if (!longest || missing === 0) return null;
  return (
    <p className="text-sm text-amber-900" data-testid="tutor-outcomes-missing">
      <span aria-hidden="true">⚠ </span>
      {missing} booked {missing === 1 ? 'session' : 'sessions'} in the last {longest.days} days passed without an outcome being
      recorded (counted in no rate).
    </p>
  );
}

function ThresholdNote({ threshold }: { threshold: number }) {
  return <span className="text-xs text-slate-600">Dashed line: {formatPercent(threshold)} threshold</span>;
}

function DetailSkeleton() {
  return (
    <div className="flex flex-col gap-4" role="status" aria-label="Loading tutor">
      <Skeleton className="h-32 w-full" />
      <div className="grid gap-4 lg:grid-cols-2">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-64 w-full" />
        ))}
      </div>
    </div>
  );
}
