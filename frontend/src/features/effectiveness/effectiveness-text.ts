// The effectiveness page's numbers in words, and its period in the URL
// (`?from=2026-06-01&to=2026-11-30`, both days included; absent: the server's default, the 180
// days before now).
import { dayStart } from '@/lib/day';

/** A share (0-1) as a whole percentage; a dash when unknown. */
export function formatShare(share: number | null | undefined): string {
  return typeof share === 'number' && Number.isFinite(share) ? `${Math.round(share * 100)}%` : '—';
}

/** An interval of shares: `41–78%`. */
export function formatShareInterval(interval: readonly number[] | null | undefined): string {
  if (!interval || interval.length !== 2) return '';
  return `${Math.round((interval[0] ?? 0) * 100)}–${Math.round((interval[1] ?? 0) * 100)}%`;
}

/** A change in percentage points, signed: `−12.3 pts`, `+4 pts`, `0 pts`. */
export function formatChange(points: number | null | undefined): string {
  if (typeof points !== 'number' || !Number.isFinite(points)) return '—';
  const size = Math.abs(points);
  const shown = Number.isInteger(size) ? String(size) : size.toFixed(1);
  const sign = points > 0 ? '+' : points < 0 ? '−' : '';
  return `${sign}${shown} pts`;
}

export function formatChangeInterval(interval: readonly number[] | null | undefined): string {
  if (!interval || interval.length !== 2) return '';
  return `${formatChange(interval[0])} to ${formatChange(interval[1])}`;
}

const day = /^\d{4}-\d{2}-\d{2}$/;

export interface Period {
  /** First day included (YYYY-MM-DD), or null for the server's default. */
  from: string | null;
  /** Last day included, or null. */
  to: string | null;
}

export function parsePeriod(params: URLSearchParams): Period {
  const from = params.get('from');
  const to = params.get('to');
  return { from: from && day.test(from) ? from : null, to: to && day.test(to) ? to : null };
}

export function serializePeriod(period: Period): URLSearchParams {
  const params = new URLSearchParams();
  if (period.from) params.set('from', period.from);
  if (period.to) params.set('to', period.to);
  return params;
}

/** The query's `[from, to)`: from the start of the first day to the start of the day after the last (local time). */
export function toRange(period: Period): { from: string | null; to: string | null } {
  return { from: period.from ? dayStart(period.from) : null, to: period.to ? dayStart(period.to, 1) : null };
}

/** An ISO time as a local YYYY-MM-DD day (for the date inputs). */
export function toDay(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Outcomes that could be judged (improved, no change or worse): the share improved's denominator. */
export function judged(group: { improved: number; noChange: number; worse: number }): number {
  return group.improved + group.noChange + group.worse;
}
