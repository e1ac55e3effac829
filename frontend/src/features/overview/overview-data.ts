// Pure shaping of the overview's data: the risk-change feed and the reschedule-rate histogram.
import type { OverviewQuery } from '@/gql/graphql';

export type RiskChange = OverviewQuery['overview']['recentRiskChanges'][number];

/** Live changes and fetched ones, each once (by tutor and score version), newest first. */
export function mergeRiskChanges(
  live: readonly RiskChange[],
  fetched: readonly RiskChange[],
  limit: number,
): RiskChange[] {
  const byKey = new Map<string, RiskChange>();
  for (const change of [...live, ...fetched]) byKey.set(`${change.tutorId}:${change.version}`, change);
  return [...byKey.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, limit);
}

export interface Bucket {
  /** Lower bound, percent (inclusive). */
  from: number;
  /** Upper bound, percent (exclusive, except the last bucket which includes 100). */
  to: number;
  /** Middle of the bucket, where its bar is drawn. */
  mid: number;
  count: number;
}

/** Counts rates (0-100) into buckets `width` points wide. */
export function rateHistogram(rates: readonly number[], width: number): Bucket[] {
  const buckets: Bucket[] = [];
  for (let from = 0; from < 100; from += width) {
    buckets.push({ from, to: Math.min(from + width, 100), mid: from + width / 2, count: 0 });
  }
  for (const rate of rates) {
    const index = Math.min(Math.floor(rate / width), buckets.length - 1);
    const bucket = buckets[Math.max(index, 0)];
    if (bucket) bucket.count += 1;
  }
  return buckets;
}
