// The holdout's calibration as a plain SVG (no chart library, nothing from a CDN): each bin's
// mean predicted probability against how often the event happened, dot area by the number of
// sessions in it, against the diagonal of perfect calibration. The same numbers are in the
// table below the chart.
import type { CalibrationBin } from '../api/get-model';

const SIZE = 300;
const PAD = { left: 44, right: 12, top: 12, bottom: 40 };
const PLOT = SIZE - PAD.left - PAD.right;
const ticks = [0, 0.25, 0.5, 0.75, 1];

/** A probability (0-1) on the x axis, in SVG units. */
export const xOf = (p: number) => PAD.left + p * PLOT;
/** A probability (0-1) on the y axis (0 at the bottom), in SVG units. */
export const yOf = (p: number) => PAD.top + (1 - p) * PLOT;

/** Bins with sessions in them; the others have no mean to plot. */
export function plottedBins(bins: readonly CalibrationBin[]): CalibrationBin[] {
  return bins.filter((b) => b.count > 0);
}

export function CalibrationChart({ bins }: { bins: readonly CalibrationBin[] }) {
  const shown = plottedBins(bins);
  const largest = Math.max(1, ...shown.map((b) => b.count));
  const path = shown.map((b, i) => `${i === 0 ? 'M' : 'L'}${xOf(b.predicted).toFixed(1)},${yOf(b.observed).toFixed(1)}`).join(' ');
  return (
    <svg
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="img"
      aria-label="Calibration on the holdout: predicted probability (across) against how often the tutor failed the session (up); dots on the diagonal are perfectly calibrated"
      className="w-full max-w-sm"
    >
      {ticks.map((t) => (
        <g key={t} className="text-slate-500">
          <line x1={xOf(0)} x2={xOf(1)} y1={yOf(t)} y2={yOf(t)} stroke="currentColor" strokeOpacity={0.2} />
          <line x1={xOf(t)} x2={xOf(t)} y1={yOf(0)} y2={yOf(1)} stroke="currentColor" strokeOpacity={0.2} />
          <text x={xOf(t)} y={yOf(0) + 16} textAnchor="middle" fontSize={10} fill="currentColor">
            {Math.round(t * 100)}%
          </text>
          <text x={xOf(0) - 6} y={yOf(t) + 3} textAnchor="end" fontSize={10} fill="currentColor">
            {Math.round(t * 100)}%
          </text>
        </g>
      ))}
      <line x1={xOf(0)} y1={yOf(0)} x2={xOf(1)} y2={yOf(1)} stroke="#64748b" strokeDasharray="4 4" data-testid="diagonal" />
      {path && <path d={path} fill="none" stroke="#1d4ed8" strokeWidth={1.5} />}
      {shown.map((b) => (
        <circle
          key={b.from}
          data-testid="calibration-bin"
          cx={xOf(b.predicted)}
          cy={yOf(b.observed)}
          r={3 + 7 * Math.sqrt(b.count / largest)}
          fill="#1d4ed8"
          fillOpacity={0.6}
        >
          <title>
            {`${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%: ${b.count} sessions, predicted ${(b.predicted * 100).toFixed(1)}%, happened ${(b.observed * 100).toFixed(1)}%`}
          </title>
        </circle>
      ))}
      <text x={xOf(0.5)} y={SIZE - 6} textAnchor="middle" fontSize={11} fill="#334155">
        Predicted probability
      </text>
      <text x={12} y={yOf(0.5)} textAnchor="middle" fontSize={11} fill="#334155" transform={`rotate(-90 12 ${yOf(0.5)})`}>
        Observed rate
      </text>
    </svg>
  );
}
