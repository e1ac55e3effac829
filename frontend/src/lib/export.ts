// Where a list's CSV export lives: `/export/<list>.csv` beside the GraphQL endpoint, with the
// list's `filter` and `sort` as the JSON of its input objects and `search` as text, exactly as
// the page queries them, so the file holds what the page shows (every page of it).
import { env } from '@/config/env';

export type ExportList = 'tutors' | 'alerts' | 'interventions' | 'sessions';

export interface ExportParams {
  filter?: object | null;
  sort?: object | null;
  search?: string | null;
  /** Plain parameters (the sessions export's `tutorId`, `from`, `to`). */
  extra?: Record<string, string | null | undefined>;
}

/** Drops nulls and empty lists from an input object: absent means "any" to the server too. */
function compact(input: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
}

/** The export URL of `list` for the given view. */
export function exportUrl(list: ExportList, params: ExportParams = {}, base: string = env.graphqlHttpUrl): string {
  const url = new URL(`/export/${list}.csv`, base);
  if (params.filter) {
    const filter = compact(params.filter);
    if (Object.keys(filter).length > 0) url.searchParams.set('filter', JSON.stringify(filter));
  }
  if (params.sort) url.searchParams.set('sort', JSON.stringify(compact(params.sort)));
  const search = params.search?.trim();
  if (search) url.searchParams.set('search', search);
  for (const [key, value] of Object.entries(params.extra ?? {})) if (value) url.searchParams.set(key, value);
  return url.href;
}
