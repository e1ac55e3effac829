import { describe, expect, it } from 'vitest';
import { appendPage, emptyTimeline, mergeHead, type TimelineEdge } from './timeline-state';

const edge = (n: number): TimelineEdge => ({
  cursor: `c${n}`,
  node: {
    at: new Date(Date.UTC(2026, 10, n)).toISOString(),
    kind: 'NOTE',
    action: 'note.added',
    summary: `note ${n}`,
    actorKind: 'USER',
    actorLabel: 'ben',
    subjectType: 'note',
    subjectId: `n${n}`,
  },
});
const edges = (...ns: number[]) => ns.map(edge);
const cursors = (s: { edges: readonly TimelineEdge[] }) => s.edges.map((e) => e.cursor);

describe('the timeline as shown', () => {
  it('starts from the first page', () => {
    const s = mergeHead(emptyTimeline, { edges: edges(9, 8, 7), hasNextPage: true, endCursor: 'c7' });
    expect(cursors(s)).toEqual(['c9', 'c8', 'c7']);
    expect(s).toMatchObject({ endCursor: 'c7', hasMore: true });
  });

  it('pages back by cursor without repeating an item', () => {
    let s = mergeHead(emptyTimeline, { edges: edges(9, 8, 7), hasNextPage: true, endCursor: 'c7' });
    s = appendPage(s, { edges: edges(7, 6, 5), hasNextPage: false, endCursor: 'c5' });
    expect(cursors(s)).toEqual(['c9', 'c8', 'c7', 'c6', 'c5']);
    expect(s.hasMore).toBe(false);
  });

  it('puts new items in front and keeps the older pages already loaded', () => {
    let s = mergeHead(emptyTimeline, { edges: edges(9, 8, 7), hasNextPage: true, endCursor: 'c7' });
    s = appendPage(s, { edges: edges(6, 5), hasNextPage: true, endCursor: 'c5' });
    s = mergeHead(s, { edges: edges(11, 10, 9), hasNextPage: true, endCursor: 'c9' });
    expect(cursors(s)).toEqual(['c11', 'c10', 'c9', 'c8', 'c7', 'c6', 'c5']);
    expect(s).toMatchObject({ endCursor: 'c5', hasMore: true });
  });

  it('starts again from the head when it no longer meets what is shown (no silent gap)', () => {
    const s0 = mergeHead(emptyTimeline, { edges: edges(3, 2), hasNextPage: true, endCursor: 'c2' });
    const s = mergeHead(s0, { edges: edges(9, 8), hasNextPage: true, endCursor: 'c8' });
    expect(cursors(s)).toEqual(['c9', 'c8']);
    expect(s.endCursor).toBe('c8');
  });
});
