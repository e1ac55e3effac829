// The tutor's latest reschedules and sessions.
import { EmptyState } from '@/components/States';
import type { TutorDetailQuery } from '@/gql/graphql';
import { formatDateTime, formatNotice } from '@/lib/format';
import { statusLabel } from '@/lib/labels';

type Tutor = NonNullable<TutorDetailQuery['tutor']>;

const cell = 'px-3 py-2';

export function RecentReschedules({ reschedules }: { reschedules: Tutor['recentReschedules'] }) {
  if (reschedules.length === 0) return <EmptyState title="No reschedules" />;
  return (
    <div className="relative overflow-x-auto" tabIndex={0} aria-label="Recent reschedules, scrolls sideways">
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-slate-700">
          <tr>
            <th scope="col" className={cell}>Requested</th>
            <th scope="col" className={cell}>Session was at</th>
            <th scope="col" className={cell}>Notice</th>
            <th scope="col" className={cell}>By</th>
            <th scope="col" className={cell}>Reason</th>
          </tr>
        </thead>
        <tbody>
          {reschedules.map((r) => (
            <tr key={r.sessionId} className="border-t border-slate-200">
              <td className={`${cell} whitespace-nowrap`}>{formatDateTime(r.requestedAt)}</td>
              <td className={`${cell} whitespace-nowrap`}>{formatDateTime(r.originalStart)}</td>
              <td className={`${cell} whitespace-nowrap`}>
                {formatNotice(r.noticeHours)}
                {r.lastMinute && <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900">last-minute</span>}
              </td>
              <td className={cell}>{r.initiator === 'TUTOR' ? 'Tutor' : 'Student'}</td>
              <td className={cell}>{r.reason ?? r.reasonCode ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RecentSessions({ sessions }: { sessions: Tutor['sessions']['edges'] }) {
  if (sessions.length === 0) return <EmptyState title="No sessions" />;
  return (
    <div className="relative overflow-x-auto" tabIndex={0} aria-label="Recent sessions, scrolls sideways">
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-slate-700">
          <tr>
            <th scope="col" className={cell}>Scheduled</th>
            <th scope="col" className={cell}>Length</th>
            <th scope="col" className={cell}>Status</th>
            <th scope="col" className={cell}>Rating</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map(({ node: s }) => (
            <tr key={s.id} className="border-t border-slate-200">
              <td className={`${cell} whitespace-nowrap`}>
                {formatDateTime(s.scheduledStart)}
                {s.isFirstSession && <span className="ml-1 rounded bg-blue-100 px-1 text-xs text-blue-900">first</span>}
              </td>
              <td className={cell}>{s.scheduledMinutes} min</td>
              <td className={cell}>{statusLabel[s.status]}</td>
              <td className={cell}>{s.rating ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
