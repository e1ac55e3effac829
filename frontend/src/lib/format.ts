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
