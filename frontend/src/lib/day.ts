// Local days as `<input type="date">` gives them (`YYYY-MM-DD`) and the instants the API takes.

/** `YYYY-MM-DD` as that local day's year, month index and day; null unless it is a real day. */
function parseDay(date: string): [number, number, number] | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const day = new Date(y, m - 1, d);
  if (day.getFullYear() !== y || day.getMonth() !== m - 1 || day.getDate() !== d) return null;
  return [y, m - 1, d];
}

/** Whether `date` is a real `YYYY-MM-DD` day. */
export function isDay(date: string): boolean {
  return parseDay(date) !== null;
}

/**
 * The start of local day `date`, `addDays` later, in UTC ISO form; null unless `date` is a real
 * day. An exclusive end ("before") of a range of days is the start of the day after its last.
 */
export function dayStart(date: string, addDays = 0): string | null {
  const day = parseDay(date);
  return day ? new Date(day[0], day[1], day[2] + addDays).toISOString() : null;
}
