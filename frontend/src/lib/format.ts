// How numbers and times read on the dashboard. Rates arrive as percentages (0-100).

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });

/** `12.3456` → `"12.3%"`; whole numbers lose the decimal (`"15%"`). */
export function formatPercent(rate: number): string {
  return `${Number.isInteger(rate) ? rate : rate.toFixed(1)}%`;
}

/** Quality score 0-100 with one decimal. */
export function formatScore(score: number): string {
  return score.toFixed(1);
}

/** Hours of notice: under two days in hours, beyond that in days. */
export function formatNotice(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatShortDate(iso: string): string {
  return shortDate.format(new Date(iso));
}

/**
 * The time zone the dashboard shows every time in (the browser's), with its offset at `at`:
 * `Asia/Kolkata (GMT+5:30)`; plain `UTC` for UTC.
 */
export function timeZoneLabel(zone: string = dateTime.resolvedOptions().timeZone, at: Date = new Date()): string {
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  if (/^(Etc\/)?(UTC|GMT)$/.test(zone)) return 'UTC';
  return offset === undefined ? zone : `${zone} (${offset})`;
}

/** A probability (0-1) as a whole percentage; under 1% and over 99% say so. */
export function formatProbability(p: number): string {
  if (p > 0 && p < 0.01) return '<1%';
  if (p < 1 && p > 0.99) return '>99%';
  return `${Math.round(p * 100)}%`;
}

/** A reason's effect in percentage points: `+14 points`, `−3.5 points`. */
export function formatPoints(points: number): string {
  const size = Math.abs(points);
  const shown = size >= 10 || Number.isInteger(size) ? Math.round(size) : size.toFixed(1);
  const sign = points > 0 ? '+' : points < 0 ? '−' : '±';
  return `${sign}${shown} ${shown === 1 ? 'point' : 'points'}`;
}

/** A duration in words, coarse: `45 min`, `5 h`, `3 days`. */
export function formatDuration(ms: number): string {
  const minutes = Math.abs(ms) / 60_000;
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}

/** When `iso` is from `now`: `in 5 h`, `3 days ago`. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const delta = Date.parse(iso) - now;
  const span = formatDuration(delta);
  if (span === 'under a minute') return 'now';
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** A metric between 0 and 1 to three decimals (AUC, Brier score), or a dash when unknown. */
export function formatMetric(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(3) : '—';
}
