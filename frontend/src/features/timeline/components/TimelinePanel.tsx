// Everything that happened to a tutor, newest first: risk changes, alerts and their
// transitions, interventions and outcomes, notes, emails. Live: the tutor's timeline stream
// says when there is something new and the newest page is fetched again and merged in front;
// "Show older" pages back by cursor.
import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import type { TimelineKind } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';
import { tutorTimelineQuery, tutorTimelineSubscription } from '../api/timeline';
import { appendPage, emptyTimeline, mergeHead, type TimelineState } from '../timeline-state';

const PAGE = 20;

const kindLabel: Record<TimelineKind, string> = {
  RISK_CHANGE: 'Risk',
  ALERT: 'Alert',
  INTERVENTION: 'Intervention',
  OUTCOME: 'Outcome',
  NOTE: 'Note',
  EMAIL: 'Email',
  OTHER: 'Other',
};

const kindTone: Record<TimelineKind, string> = {
  RISK_CHANGE: 'bg-red-500',
  ALERT: 'bg-amber-500',
  INTERVENTION: 'bg-blue-600',
  OUTCOME: 'bg-emerald-600',
  NOTE: 'bg-slate-500',
  EMAIL: 'bg-violet-500',
  OTHER: 'bg-slate-300',
};

export function TimelinePanel({ tutorId }: { tutorId: string }) {
  const client = useClient();
  const [state, setState] = useState<TimelineState>(emptyTimeline);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [attempt, setAttempt] = useState(0);

  // The newest page at first and again on every message of the tutor's stream (its snapshot
  // included), merged in front of what is shown.
  useEffect(() => {
    let stopped = false;
    const loadHead = () =>
      client
        .query(tutorTimelineQuery, { id: tutorId, first: PAGE, after: null }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (stopped) return;
          if (result.error || !result.data?.tutor) {
            setError(result.error ?? new Error('No tutor with this id'));
            return;
          }
          const { edges, pageInfo } = result.data.tutor.timeline;
          setError(null);
          setLoaded(true);
          setState((s) => mergeHead(s, { edges, hasNextPage: pageInfo.hasNextPage, endCursor: pageInfo.endCursor }));
        });
    void loadHead();
    const live = client.subscription(tutorTimelineSubscription, { tutorId }).subscribe(() => void loadHead());
    return () => {
      stopped = true;
      live.unsubscribe();
    };
  }, [client, tutorId, attempt]);

  const older = async () => {
    if (!state.endCursor) return;
    setLoadingOlder(true);
    const result = await client.query(tutorTimelineQuery, { id: tutorId, first: PAGE, after: state.endCursor }, { requestPolicy: 'network-only' }).toPromise();
    setLoadingOlder(false);
    if (result.error || !result.data?.tutor) {
      setError(result.error ?? new Error('No tutor with this id'));
      return;
    }
    const { edges, pageInfo } = result.data.tutor.timeline;
    setState((s) => appendPage(s, { edges, hasNextPage: pageInfo.hasNextPage, endCursor: pageInfo.endCursor }));
  };

  let body;
  if (error && !loaded) body = <ErrorState title="Could not load the timeline" error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  else if (!loaded) body = <Skeleton className="h-40 w-full" />;
  else if (state.edges.length === 0) body = <EmptyState title="Nothing has happened to this tutor yet" />;
  else
    body = (
      <div className="flex flex-col gap-3">
        <ol aria-label="Timeline, newest first" className="flex flex-col gap-3 border-l-2 border-slate-200 pl-4" aria-live="polite">
          {state.edges.map(({ cursor, node }) => (
            <li key={cursor} className="relative text-sm" data-kind={node.kind} data-action={node.action}>
              <span aria-hidden="true" className={`absolute top-1.5 -left-[1.4rem] size-2.5 rounded-full ${kindTone[node.kind]}`} />
              <p>
                <span className="mr-1 rounded bg-slate-100 px-1 text-xs font-semibold text-slate-700">{kindLabel[node.kind]}</span>
                <span className="break-words">{node.summary}</span>
              </p>
              <p className="text-xs text-slate-600">
                <time dateTime={node.at}>{formatDateTime(node.at)}</time>
                {node.actorLabel && <> · {node.actorKind === 'SYSTEM' ? 'tutorscore' : node.actorLabel}</>}
              </p>
            </li>
          ))}
        </ol>
        {state.hasMore && (
          <button type="button" className="btn self-start" disabled={loadingOlder} onClick={() => void older()}>
            Show older
          </button>
        )}
        {error && (
          <p role="alert" className="text-sm text-red-900">
            {error.message}
          </p>
        )}
      </div>
    );
  return (
    <Panel title="Timeline" className="lg:col-span-2">
      {body}
    </Panel>
  );
}
