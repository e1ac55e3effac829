// A tutor's booked sessions of the next 14 days on the tutor page, soonest first.
import { useState } from 'react';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import { useNow } from '@/lib/use-now';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useUpcoming } from '../api/get-upcoming';
import { UpcomingCard } from './UpcomingCard';

const DAYS = 14;

export function TutorUpcomingPanel({ tutorId, signal }: { tutorId: string; signal: unknown }) {
  const [anchor] = useState(() => Date.now());
  const [{ data, error }, refetch] = useUpcoming({
    filter: { tutorId, from: new Date(anchor).toISOString(), to: new Date(anchor + DAYS * 86_400_000).toISOString(), firstSessionsOnly: false },
    sort: { field: 'START', direction: 'ASC' },
    first: 10,
  });
  useRefetchOn(signal, refetch, 1000);
  const now = useNow();

  let body;
  if (error && !data) body = <ErrorState title="Could not load booked sessions" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!data) body = <Skeleton className="h-32 w-full" />;
  else if (data.upcomingSessions.edges.length === 0) body = <EmptyState title={`No sessions booked in the next ${DAYS} days`} />;
  else
    body = (
      <ul aria-label="Booked sessions, soonest first" className="flex flex-col gap-3">
        {data.upcomingSessions.edges.map(({ node }) => (
          <li key={node.session.id}>
            <UpcomingCard item={node} now={now} hideTutor />
          </li>
        ))}
      </ul>
    );
  const total = data?.upcomingSessions.totalCount ?? 0;
  return (
    <Panel
      title="Booked sessions"
      aside={data && total > 10 ? <span className="text-xs text-slate-600">first 10 of {total}</span> : undefined}
      className="lg:col-span-2"
    >
      {body}
    </Panel>
  );
}
