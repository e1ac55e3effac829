// The timeline as shown: pages fetched by cursor (newest first), and a head page refetched
// whenever the tutor's timeline says it has something new. A refetched head is merged in
// front of what is shown, by cursor, so that older pages already loaded stay put.
import type { TutorTimelineQuery } from '@/gql/graphql';

export type TimelineEdge = NonNullable<TutorTimelineQuery['tutor']>['timeline']['edges'][number];

export interface TimelineState {
  edges: readonly TimelineEdge[];
  /** Where the next older page starts; null when there is none. */
  endCursor: string | null;
  hasMore: boolean;
}

export const emptyTimeline: TimelineState = { edges: [], endCursor: null, hasMore: false };

/** A fresh head page in front of what is shown: new items first, known ones not twice. */
export function mergeHead(state: TimelineState, head: { edges: readonly TimelineEdge[]; hasNextPage: boolean; endCursor?: string | null }): TimelineState {
  if (state.edges.length === 0) return { edges: head.edges, endCursor: head.endCursor ?? null, hasMore: head.hasNextPage };
  const known = new Set(state.edges.map((e) => e.cursor));
  const fresh = head.edges.filter((e) => !known.has(e.cursor));
  // The head does not reach what is shown: there may be a gap, so start again from the head.
  const overlaps = head.edges.some((e) => known.has(e.cursor)) || !head.hasNextPage;
  if (!overlaps) return { edges: head.edges, endCursor: head.endCursor ?? null, hasMore: head.hasNextPage };
  return { ...state, edges: [...fresh, ...state.edges] };
}

/** An older page after what is shown. */
export function appendPage(state: TimelineState, page: { edges: readonly TimelineEdge[]; hasNextPage: boolean; endCursor?: string | null }): TimelineState {
  const known = new Set(state.edges.map((e) => e.cursor));
  return {
    edges: [...state.edges, ...page.edges.filter((e) => !known.has(e.cursor))],
    endCursor: page.endCursor ?? null,
    hasMore: page.hasNextPage,
  };
}
