// Rows of a value with its 95% interval as a plain SVG (no chart library, nothing from a CDN):
// a bar from the axis's start (shares) or a dot (changes, against a zero line), and a whisker
// for the interval. Rows with no value say so. The same numbers are in the table beside it.

export interface IntervalRow {
  key: string;
  label: string;
  value: number | null;
  interval: readonly number[] | null;
}

interface IntervalChartProps {
  rows: readonly IntervalRow[];
  /** The axis's ends, in the values' unit. */
  domain: readonly [number, number];
  /** `bar` from the domain's start, or `dot` with a line at zero. */
  mark: 'bar' | 'dot';
  format: (value: number) => string;
  ticks: readonly number[];
  label: string;
  /** Words under the axis (what left and right mean). */
  caption?: string;
}

const WIDTH = 560;
const LABEL = 150;
const RIGHT = 16;
const ROW = 30;
const TOP = 8;
const AXIS = 34;

/** A value on the x axis, in SVG units (clamped to the plot). */
export function xScale(value: number, domain: readonly [number, number]): number {
  const [lo, hi] = domain;
  const share = hi === lo ? 0 : (Math.min(Math.max(value, lo), hi) - lo) / (hi - lo);
  return LABEL + share * (WIDTH - LABEL - RIGHT);
}

/** An axis for changes: symmetric around zero, wide enough for every value and interval, at least ±10. */
export function changeDomain(rows: readonly IntervalRow[]): [number, number] {
  const extent = Math.max(10, ...rows.flatMap((r) => [r.value ?? 0, ...(r.interval ?? [])].map((v) => Math.abs(v))));
  const rounded = Math.ceil(extent / 10) * 10;
  return [-rounded, rounded];
}

export function IntervalChart({ rows, domain, mark, format, ticks, label, caption }: IntervalChartProps) {
  const height = TOP + rows.length * ROW + AXIS;
  const bottom = TOP + rows.length * ROW;
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label} className="w-full max-w-2xl">
      {ticks.map((t) => (
        <g key={t} className="text-slate-500">
          <line x1={xScale(t, domain)} x2={xScale(t, domain)} y1={TOP} y2={bottom} stroke="currentColor" strokeOpacity={t === 0 && mark === 'dot' ? 0.8 : 0.2} />
          <text x={xScale(t, domain)} y={bottom + 14} textAnchor="middle" fontSize={10} fill="currentColor">
            {format(t)}
          </text>
        </g>
      ))}
      {rows.map((row, i) => {
        const y = TOP + i * ROW + ROW / 2;
        const [low, high] = row.interval && row.interval.length === 2 ? row.interval : [null, null];
        return (
          <g key={row.key} data-testid="chart-row" data-key={row.key}>
            <text x={LABEL - 8} y={y + 4} textAnchor="end" fontSize={11} fill="#0f172a">
              {row.label.length > 24 ? `${row.label.slice(0, 23)}…` : row.label}
            </text>
            {row.value === null ? (
              <text x={LABEL + 4} y={y + 4} fontSize={10} fill="#64748b">
                not enough judged outcomes
              </text>
            ) : (
              <>
                {mark === 'bar' ? (
                  <rect x={xScale(domain[0], domain)} y={y - 8} width={xScale(row.value, domain) - xScale(domain[0], domain)} height={16} fill="#1d4ed8" fillOpacity={0.7} />
                ) : (
                  <circle cx={xScale(row.value, domain)} cy={y} r={5} fill={row.value < 0 ? '#047857' : row.value > 0 ? '#b91c1c' : '#475569'} />
                )}
                {low !== null && high !== null && (
                  <g stroke="#0f172a" strokeWidth={1.5}>
                    <line x1={xScale(low, domain)} x2={xScale(high, domain)} y1={y} y2={y} />
                    <line x1={xScale(low, domain)} x2={xScale(low, domain)} y1={y - 5} y2={y + 5} />
                    <line x1={xScale(high, domain)} x2={xScale(high, domain)} y1={y - 5} y2={y + 5} />
                  </g>
                )}
                <title>{`${row.label}: ${format(row.value)}${low !== null && high !== null ? ` (95% interval ${format(low)} to ${format(high)})` : ''}`}</title>
              </>
            )}
          </g>
        );
      })}
      {caption && (
        <text x={(LABEL + WIDTH - RIGHT) / 2} y={height - 4} textAnchor="middle" fontSize={11} fill="#334155">
          {caption}
        </text>
      )}
    </svg>
  );
}
