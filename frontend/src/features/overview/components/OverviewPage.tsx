import { lazy, Suspense, type ReactNode } from 'react';
import { Link } from 'react-router';
import { FlagChips } from '@/components/FlagChips';
import { Panel } from '@/components/Panel';
import { Rate } from '@/components/Rate';
import { RiskBadge } from '@/components/RiskBadge';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import type { RiskLevel } from '@/gql/graphql';
import { formatDateTime, formatPercent } from '@/lib/format';
import { riskLabel } from '@/lib/labels';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useOverview } from '../api/get-overview';
import { mergeRiskChanges, rateHistogram, type RiskChange } from '../overview-data';

const RateDistributionChart = lazy(() => import('./RateDistributionChart'));

/** The counts and averages move with every score change: refetch at most this often. */
const LIVE_REFETCH_MS = 1000;

interface OverviewPageProps {
  liveRiskChanges: readonly RiskChange[];
  /** Changes with every live score update: the page refetches (throttled). */
  liveScores: unknown;
  /** Changes when the live stream resyncs: the page refetches. */
  resync: number;
  /** Changes with every live alert change: the alert counts refetch (throttled). */
  alertChanges: number;
}

export function OverviewPage({ liveRiskChanges, liveScores, resync, alertChanges }: OverviewPageProps) {
  const [{ data, error }, refetch] = useOverview();
  useRefetchOn(resync, refetch);
  useRefetchOn(liveScores, refetch, LIVE_REFETCH_MS);
  useRefetchOn(alertChanges, refetch, LIVE_REFETCH_MS);

  if (error && !data) {
    return <ErrorState title="Could not load the overview" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  }
  const feed = mergeRiskChanges(liveRiskChanges, data?.overview.recentRiskChanges ?? [], 10);

  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Overview</h1>
      {data ? <WorkCards overview={data.overview} /> : <Skeleton className="h-24 w-full" />}
      {data ? <Cards data={data} /> : <Skeleton className="h-24 w-full" />}
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title="Risk changes" aside={<span className="text-xs text-slate-600">Live</span>}>
          {data ? <RiskFeed changes={feed} /> : <Skeleton className="h-48 w-full" />}
        </Panel>
        <Panel title="30-day reschedule rate across tutors">
          {data ? <Distribution data={data} /> : <Skeleton className="h-[260px] w-full" />}
        </Panel>
      </div>
    </div>
  );
}

type Data = NonNullable<ReturnType<typeof useOverview>[0]['data']>;

function Cards({ data: { overview, scoringRules } }: { data: Data }) {
  const averageRate = overview.averageRescheduleRate30d;
  const riskCard = (level: RiskLevel, count: number) => (
    <Card label={`${riskLabel[level]} risk`}>
      <Link to={`/tutors?risk=${level}`} className="flex items-center gap-2 rounded hover:underline">
        <span className="text-3xl font-bold tabular-nums">{count}</span>
        <RiskBadge level={level} />
      </Link>
    </Card>
  );
  return (
    <ul className="grid grid-cols-2 gap-3 md:grid-cols-5">
      {riskCard('HIGH', overview.highRisk)}
      {riskCard('MEDIUM', overview.mediumRisk)}
      {riskCard('LOW', overview.lowRisk)}
      <Card label="Avg. 30-day reschedule rate">
        <span className="text-3xl font-bold tabular-nums">
          {typeof averageRate === 'number' ? (
            <Rate rate={averageRate} threshold={scoringRules.rescheduleThreshold} enoughData />
          ) : (
            '—'
          )}
        </span>
        <span className="text-xs text-slate-600">threshold {formatPercent(scoringRules.rescheduleThreshold)}</span>
      </Card>
      <Card label="Sessions, last 24 h">
        <span className="text-3xl font-bold tabular-nums">{overview.sessionsLast24h}</span>
        {overview.unscored > 0 && <span className="text-xs text-slate-600">{overview.unscored} tutors not scored yet</span>}
      </Card>
    </ul>
  );
}

/** The coaches' work: alerts to handle, and booked sessions whose outcome never came. */
function WorkCards({ overview }: { overview: Data['overview'] }) {
  const count = (n: number, tone: string) => <span className={`text-3xl font-bold tabular-nums ${n > 0 ? tone : ''}`}>{n}</span>;
  return (
    <ul aria-label="Alert work" className="grid grid-cols-2 gap-3 md:grid-cols-4">
      <Card label="Open alerts">
        <Link to="/alerts?who=all&status=unresolved" className="rounded hover:underline" aria-label={`${overview.openAlerts} open alerts`}>
          {count(overview.openAlerts, 'text-slate-900')}
        </Link>
        <span className="text-xs text-slate-600">not resolved yet</span>
      </Card>
      <Card label="Overdue">
        <Link to="/alerts?who=all&status=OPEN&overdue=1" className="rounded hover:underline" aria-label={`${overview.overdueAlerts} overdue alerts`}>
          {count(overview.overdueAlerts, 'text-red-700')}
        </Link>
        <span className="text-xs text-slate-600">open past their acknowledge-by time</span>
      </Card>
      <Card label="Unassigned">
        <Link to="/alerts?who=unassigned&status=unresolved" className="rounded hover:underline" aria-label={`${overview.unassignedAlerts} unassigned alerts`}>
          {count(overview.unassignedAlerts, 'text-amber-800')}
        </Link>
        <span className="text-xs text-slate-600">nobody has them yet</span>
      </Card>
      <Card label="Outcomes missing">
        <span data-testid="outcomes-missing">{count(overview.outcomesMissing, 'text-amber-800')}</span>
        <span className="text-xs text-slate-600">booked sessions past their time with no outcome recorded (counted in no rate)</span>
      </Card>
    </ul>
  );
}

function Card({ label, children }: { label: string; children: ReactNode }) {
  return (
    <li className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <span className="text-sm font-medium text-slate-700">{label}</span>
      {children}
    </li>
  );
}

function RiskFeed({ changes }: { changes: RiskChange[] }) {
  if (changes.length === 0) {
    return <EmptyState title="No risk changes yet">Tutors moving between risk levels appear here as it happens.</EmptyState>;
  }
  return (
    <ol aria-label="Risk changes, newest first" className="flex flex-col divide-y divide-slate-200">
      {changes.map((change) => (
        <li key={`${change.tutorId}:${change.version}`} className="flex flex-col gap-1 py-2 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Link to={`/tutors/${change.tutorId}`} className="link">
              {change.tutorName}
            </Link>
            {change.from ? <RiskBadge level={change.from} /> : <span className="text-slate-600">new</span>}
            <span aria-hidden="true">→</span>
            <span className="sr-only">to</span>
            <RiskBadge level={change.to} />
          </div>
          <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
            <time dateTime={change.at}>{formatDateTime(change.at)}</time>
            <FlagChips flags={change.flags.map((code) => ({ code }))} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function Distribution({ data: { tutors, scoringRules } }: { data: Data }) {
  const rates = tutors.edges.flatMap(({ node }) => (node.score?.window ? [node.score.window.rescheduleRate] : []));
  const threshold = scoringRules.rescheduleThreshold;
  const over = rates.filter((r) => r > threshold).length;
  return (
    <figure>
      <Suspense fallback={<Skeleton className="h-[260px] w-full" />}>
        <RateDistributionChart buckets={rateHistogram(rates, 5)} threshold={threshold} />
      </Suspense>
      <figcaption className="mt-2 text-xs text-slate-600">
        {over} of {rates.length} scored tutors are above the {formatPercent(threshold)} threshold (red bars, right of
        the dashed line)
        {tutors.totalCount > tutors.edges.length && `; showing the first ${tutors.edges.length} of ${tutors.totalCount} tutors`}.
      </figcaption>
    </figure>
  );
}
