// The tutor page's charts, in their own chunk: recharts loads only when a chart is shown.
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TutorDetailQuery } from '@/gql/graphql';
import { formatDateTime, formatPercent, formatShortDate } from '@/lib/format';

type Tutor = NonNullable<TutorDetailQuery['tutor']>;

const thresholdLabel = (threshold: number) => ({
  value: `Threshold ${formatPercent(threshold)}`,
  position: 'insideTopRight' as const,
  fill: '#991b1b',
  fontSize: 12,
});

/** Legend entries in readable text, whatever the series colour. */
const legendText = (value: string) => <span className="text-slate-800">{value}</span>;

/** The next multiple of 10 at or above `value`: a round top for a percentage axis. */
const roundUp = (value: number) => Math.ceil(value / 10) * 10;

export function RescheduleRateChart({ history, threshold }: { history: Tutor['scoreHistory']; threshold: number }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={history} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="computedAt" tickFormatter={formatShortDate} tick={{ fontSize: 12 }} minTickGap={24} />
        <YAxis unit="%" tick={{ fontSize: 12 }} domain={[0, (max: number) => roundUp(Math.max(max, threshold * 1.5))]} />
        <Tooltip labelFormatter={(label) => formatDateTime(String(label))} formatter={(v) => formatPercent(Number(v))} />
        <Legend formatter={legendText} />
        <ReferenceLine y={threshold} stroke="#b91c1c" strokeDasharray="6 4" label={thresholdLabel(threshold)} />
        <Line dataKey="rescheduleRate7d" name="7 days" stroke="#60a5fa" isAnimationActive={false} />
        <Line dataKey="rescheduleRate30d" name="30 days" stroke="#2563eb" strokeWidth={2} isAnimationActive={false} />
        <Line dataKey="rescheduleRate90d" name="90 days" stroke="#1e3a8a" isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function WeeklyTrendChart({ trend, threshold }: { trend: Tutor['weeklyTrend']; threshold: number }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <ComposedChart data={trend} margin={{ top: 8, right: 0, bottom: 0, left: -16 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="weekEnd" tickFormatter={formatShortDate} tick={{ fontSize: 12 }} />
        <YAxis yAxisId="sessions" allowDecimals={false} tick={{ fontSize: 12 }} />
        <YAxis
          yAxisId="rate"
          orientation="right"
          unit="%"
          tick={{ fontSize: 12 }}
          domain={[0, (max: number) => roundUp(Math.max(max, threshold * 1.5))]}
        />
        <Tooltip labelFormatter={(label) => `Week to ${formatShortDate(String(label))}`} />
        <Legend formatter={legendText} />
        <Bar yAxisId="sessions" dataKey="sessions" name="Sessions" fill="#cbd5e1" isAnimationActive={false} />
        <Bar yAxisId="sessions" dataKey="tutorNoShows" name="Tutor no-shows" fill="#f59e0b" isAnimationActive={false} />
        <Line yAxisId="rate" dataKey="rescheduleRate" name="Reschedule rate %" stroke="#2563eb" strokeWidth={2} isAnimationActive={false} />
        <ReferenceLine yAxisId="rate" y={threshold} stroke="#b91c1c" strokeDasharray="6 4" label={thresholdLabel(threshold)} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
