// The overview's chart, in its own chunk: recharts loads after the cards.
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent } from '@/lib/format';
import type { Bucket } from '../overview-data';

export default function RateDistributionChart({ buckets, threshold }: { buckets: Bucket[]; threshold: number }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={buckets} margin={{ top: 16, right: 8, bottom: 0, left: -16 }} barCategoryGap={2}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis
          dataKey="mid"
          type="number"
          domain={[0, 100]}
          ticks={[0, 20, 40, 60, 80, 100]}
          unit="%"
          tick={{ fontSize: 12 }}
        />
        <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
        <Tooltip
          labelFormatter={(_, payload) => {
            const bucket = payload[0]?.payload as Bucket | undefined;
            return bucket ? `${bucket.from}–${bucket.to}%` : '';
          }}
          formatter={(value) => [value, 'Tutors']}
        />
        <Bar dataKey="count" isAnimationActive={false}>
          {buckets.map((b) => (
            <Cell key={b.from} fill={b.from >= threshold ? '#b91c1c' : '#2563eb'} />
          ))}
        </Bar>
        <ReferenceLine
          x={threshold}
          stroke="#7f1d1d"
          strokeDasharray="6 4"
          label={{ value: `Threshold ${formatPercent(threshold)}`, position: 'top', fill: '#7f1d1d', fontSize: 12 }}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}
