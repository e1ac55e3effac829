// Which interventions work: the measured outcomes of interventions done in a period, by type
// and by flag (how many, the share improved with its interval, the median change in rate with
// its interval), charted as plain SVG with the numbers in a table beside each chart; and each
// flag rule's precision (alerts, the share coaches dismissed as false alarms).
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { formatDateTime } from '@/lib/format';
import { useEffectiveness, type EffectivenessGroup, type FlagPrecisionRow } from '../api/get-effectiveness';
import {
  formatChange,
  formatChangeInterval,
  formatShare,
  formatShareInterval,
  judged,
  parsePeriod,
  serializePeriod,
  toDay,
  toRange,
  type Period,
} from '../effectiveness-text';
import { changeDomain, IntervalChart, type IntervalRow } from './IntervalChart';

const shareTicks = [0, 0.25, 0.5, 0.75, 1];

export function EffectivenessPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const period = parsePeriod(params);
  const [{ data, error, fetching }, refetch] = useEffectiveness(toRange(period));
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  const show = (next: Period) => navigate({ search: serializePeriod(next).toString() }, { replace: true });

  const shown = data?.interventionEffectiveness;
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Effectiveness</h1>
      <p className="max-w-3xl text-sm text-slate-700">
        What the follow-ups measured for interventions done in the period: each linked flag’s rate over the same number of days
        before and after. <em>Share improved</em> counts the outcomes that could be judged (improved, no change or worse);{' '}
        <em>median change</em> is after minus before, in percentage points (below zero: the rate fell).
      </p>
      <PeriodPicker
        key={`${period.from}:${period.to}:${shown?.from ?? ''}`}
        period={period}
        shownFrom={shown?.from ?? null}
        shownTo={shown?.to ?? null}
        onChange={show}
      />
      {error && !data ? (
        <ErrorState title="Could not load the effectiveness figures" error={error} onRetry={refresh} />
      ) : !data || !shown ? (
        <div className="flex flex-col gap-4" role="status" aria-label="Loading effectiveness">
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-64 w-full" />
        </div>
      ) : (
        <div className="flex flex-col gap-4" aria-busy={fetching}>
          <p className="text-sm text-slate-700" data-testid="effectiveness-period">
            Interventions done from {formatDateTime(shown.from)} to {formatDateTime(shown.to)}.
          </p>
          <TotalSummary total={shown.total} />
          {shown.total.measured === 0 ? (
            <EmptyState title="Not enough measured outcomes yet">
              An intervention’s outcome is measured a number of days after it is done (<code>FOLLOW_UP_DAYS</code>). None done in this
              period has been measured yet: widen the period, or come back later.
            </EmptyState>
          ) : (
            <>
              <GroupsPanel title="By type of intervention" groups={shown.byType} testId="effectiveness-by-type" />
              <GroupsPanel title="By flag" groups={shown.byFlag} testId="effectiveness-by-flag" />
            </>
          )}
          <PrecisionPanel rows={data.flagPrecision} />
        </div>
      )}
    </div>
  );
}

function PeriodPicker({ period, shownFrom, shownTo, onChange }: { period: Period; shownFrom: string | null; shownTo: string | null; onChange: (p: Period) => void }) {
  const [from, setFrom] = useState(period.from ?? (shownFrom ? toDay(shownFrom) : ''));
  const [to, setTo] = useState(period.to ?? (shownTo ? toDay(new Date(Date.parse(shownTo) - 1).toISOString()) : ''));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ from: from || null, to: to || null });
  };
  return (
    <form onSubmit={submit} aria-label="Period" className="flex flex-wrap items-end gap-3">
      <label className="flex flex-col gap-1 text-sm font-medium">
        From
        <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} className="field" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        To (included)
        <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} className="field" />
      </label>
      <button type="submit" className="btn">
        Show
      </button>
      {(period.from || period.to) && (
        <button type="button" className="btn" onClick={() => onChange({ from: null, to: null })}>
          Last 180 days
        </button>
      )}
    </form>
  );
}

function TotalSummary({ total }: { total: EffectivenessGroup }) {
  const items: [string, string, string][] = [
    ['Interventions', String(total.interventions), 'total-interventions'],
    ['Measured outcomes', String(total.measured), 'total-measured'],
    ['Improved', String(total.improved), 'total-improved'],
    ['Share improved', `${formatShare(total.shareImproved)}${total.shareImprovedInterval ? ` (${formatShareInterval(total.shareImprovedInterval)})` : ''}`, 'total-share'],
    ['Median change', `${formatChange(total.medianChange)}${total.medianChangeInterval ? ` (${formatChangeInterval(total.medianChangeInterval)})` : ''}`, 'total-median'],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {items.map(([term, value, id]) => (
        <div key={id} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
          <dt className="text-xs text-slate-600">{term}</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid={id}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const cell = 'px-2 py-1.5';

function GroupsPanel({ title, groups, testId }: { title: string; groups: readonly EffectivenessGroup[]; testId: string }) {
  if (groups.length === 0) {
    return (
      <Panel title={title}>
        <EmptyState title="Not enough measured outcomes yet" />
      </Panel>
    );
  }
  const shareRows: IntervalRow[] = groups.map((g) => ({ key: g.key, label: g.label, value: g.shareImproved ?? null, interval: g.shareImprovedInterval ?? null }));
  const changeRows: IntervalRow[] = groups.map((g) => ({ key: g.key, label: g.label, value: g.medianChange ?? null, interval: g.medianChangeInterval ?? null }));
  const domain = changeDomain(changeRows);
  const changeTicks = [domain[0], domain[0] / 2, 0, domain[1] / 2, domain[1]];
  return (
    <Panel title={title}>
      <div className="grid gap-4 xl:grid-cols-2">
        <div className="flex flex-col gap-4">
          <figure>
            <figcaption className="mb-1 text-sm font-medium">Share improved, with its 95% interval</figcaption>
            <IntervalChart
              rows={shareRows}
              domain={[0, 1]}
              mark="bar"
              ticks={shareTicks}
              format={(v) => `${Math.round(v * 100)}%`}
              label={`${title}: share of judged outcomes that improved, with 95% intervals`}
            />
          </figure>
          <figure>
            <figcaption className="mb-1 text-sm font-medium">Median change in rate, with its 95% interval</figcaption>
            <IntervalChart
              rows={changeRows}
              domain={domain}
              mark="dot"
              ticks={changeTicks}
              format={(v) => formatChange(v)}
              label={`${title}: median change in rate after minus before, percentage points, with 95% intervals`}
              caption="← rate fell (better) · rate rose (worse) →"
            />
          </figure>
        </div>
        <div className="relative overflow-x-auto" tabIndex={0} aria-label={`${title}, the numbers; scrolls sideways`}>
          <table className="w-full text-left text-sm tabular-nums" data-testid={testId}>
            <thead className="text-xs text-slate-700">
              <tr>
                <th scope="col" className={cell}></th>
                <th scope="col" className={cell}>Interventions</th>
                <th scope="col" className={cell}>Measured</th>
                <th scope="col" className={cell}>Improved / no change / worse</th>
                <th scope="col" className={cell}>Not enough data / churned</th>
                <th scope="col" className={cell}>Share improved</th>
                <th scope="col" className={cell}>Median change</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.key} data-key={g.key} className="border-t border-slate-200">
                  <th scope="row" className={`${cell} font-medium`}>
                    {g.label}
                  </th>
                  <td className={cell} data-col="interventions">{g.interventions}</td>
                  <td className={cell} data-col="measured">{g.measured}</td>
                  <td className={cell} data-col="judged">
                    {g.improved} / {g.noChange} / {g.worse}
                  </td>
                  <td className={cell}>
                    {g.notEnoughData} / {g.churned}
                  </td>
                  <td className={cell} data-col="share">
                    {judged(g) === 0 ? 'nothing judged' : formatShare(g.shareImproved)}
                    {g.shareImprovedInterval && <span className="block text-xs text-slate-600">{formatShareInterval(g.shareImprovedInterval)}</span>}
                  </td>
                  <td className={cell} data-col="median">
                    {formatChange(g.medianChange)}
                    {g.medianChangeInterval ? (
                      <span className="block text-xs text-slate-600">{formatChangeInterval(g.medianChangeInterval)}</span>
                    ) : (
                      g.medianChange !== null && g.medianChange !== undefined && <span className="block text-xs text-slate-600">no interval under 6 judged</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Panel>
  );
}

function PrecisionPanel({ rows }: { rows: readonly FlagPrecisionRow[] }) {
  const withAlerts = rows.filter((r) => r.alerts > 0);
  return (
    <Panel title="Flag precision: how often coaches judged a rule’s alerts wrong">
      {withAlerts.length === 0 ? (
        <EmptyState title="No alerts opened in this period" />
      ) : (
        <div className="grid gap-4 xl:grid-cols-2">
          <figure>
            <figcaption className="mb-1 text-sm font-medium">Share of alerts dismissed as a false alarm</figcaption>
            <IntervalChart
              rows={withAlerts.map((r) => ({ key: r.flag ?? r.label, label: r.label, value: r.falseAlarmShare ?? null, interval: null }))}
              domain={[0, 1]}
              mark="bar"
              ticks={shareTicks}
              format={(v) => `${Math.round(v * 100)}%`}
              label="Share of each rule's alerts that coaches dismissed as false alarms"
            />
          </figure>
          <div className="relative overflow-x-auto" tabIndex={0} aria-label="Flag precision, the numbers; scrolls sideways">
            <table className="w-full text-left text-sm tabular-nums" data-testid="flag-precision">
              <thead className="text-xs text-slate-700">
                <tr>
                  <th scope="col" className={cell}>Rule</th>
                  <th scope="col" className={cell}>Alerts</th>
                  <th scope="col" className={cell}>Unresolved</th>
                  <th scope="col" className={cell}>Recovered</th>
                  <th scope="col" className={cell}>Actioned</th>
                  <th scope="col" className={cell}>False alarms</th>
                  <th scope="col" className={cell}>Share false</th>
                  <th scope="col" className={cell}>Precision</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.flag ?? r.label} data-key={r.flag ?? r.label} className="border-t border-slate-200">
                    <th scope="row" className={`${cell} font-medium`}>
                      {r.label}
                    </th>
                    <td className={cell} data-col="alerts">{r.alerts}</td>
                    <td className={cell}>{r.unresolved}</td>
                    <td className={cell}>{r.recovered}</td>
                    <td className={cell}>{r.actioned}</td>
                    <td className={cell} data-col="false-alarms">{r.falseAlarms}</td>
                    <td className={cell} data-col="false-share">{formatShare(r.falseAlarmShare)}</td>
                    <td className={cell} title="Of the alerts coaches judged (actioned or false alarm), the share they agreed with">
                      {formatShare(r.precision)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </Panel>
  );
}
