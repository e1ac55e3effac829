import type { ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router';
import { Skeleton } from '@/components/Skeleton';
import { ErrorState } from '@/components/States';
import { useMe, type Me } from '@/features/auth/api/me';
import { AccessGate } from '@/features/auth/components/AccessGate';
import { AccountMenu } from '@/features/auth/components/AccountMenu';
import { SessionProvider } from '@/features/auth/components/SessionProvider';
import { ConnectionIndicator } from '@/features/live/components/ConnectionIndicator';
import { LiveProvider } from '@/features/live/components/LiveProvider';
import { useCredentialsRequired } from '@/lib/api-key';
import { timeZoneLabel } from '@/lib/format';
import { isUnauthenticated } from '@/lib/graphql-client';

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1.5 font-medium whitespace-nowrap ${isActive ? 'bg-slate-800 text-white' : 'text-slate-800 hover:bg-slate-200'}`;

/**
 * Header, navigation and live connection around every page, once the server knows the caller.
 * Until then (no cookie, no key) it shows the sign-in or key form and opens no WebSocket: the
 * socket then starts with the cookie of the signed-in person.
 */
export function AppLayout() {
  const required = useCredentialsRequired();
  const [{ data, error }, refetch] = useMe();
  const locked = required || (error !== undefined && isUnauthenticated(error));

  if (locked || !data) {
    return (
      <Shell>
        {locked ? (
          <AccessGate />
        ) : error ? (
          <ErrorState title="Could not reach tutorscore" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          <div role="status" aria-label="Loading" className="flex flex-col gap-4">
            <Skeleton className="h-10 w-48" />
            <Skeleton className="h-64 w-full" />
          </div>
        )}
      </Shell>
    );
  }
  return (
    <SessionProvider me={data.me}>
      <LiveProvider>
        <Shell me={data.me}>
          <Outlet />
        </Shell>
      </LiveProvider>
    </SessionProvider>
  );
}

function Shell({ me, children }: { me?: Me; children: ReactNode }) {
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-[96rem] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="text-lg font-bold tracking-tight">tutorscore</span>
          {me && (
            <nav aria-label="Main" className="-mx-1 order-last flex w-full gap-1 overflow-x-auto px-1 text-sm md:order-none md:w-auto">
              <NavLink to="/" end className={navClass}>
                Overview
              </NavLink>
              <NavLink to="/alerts" className={navClass}>
                Alerts
              </NavLink>
              <NavLink to="/interventions" className={navClass}>
                Interventions
              </NavLink>
              <NavLink to="/upcoming" className={navClass}>
                Upcoming
              </NavLink>
              <NavLink to="/tutors" className={navClass}>
                Tutors
              </NavLink>
              <NavLink to="/effectiveness" className={navClass}>
                Effectiveness
              </NavLink>
              <NavLink to="/model" className={navClass}>
                Model
              </NavLink>
              {me.canAdminister && (
                <NavLink to="/users" className={navClass}>
                  Users
                </NavLink>
              )}
              {me.canAdminister && (
                <NavLink to="/audit" className={navClass}>
                  Audit
                </NavLink>
              )}
            </nav>
          )}
          {me && (
            <div className="ml-auto flex flex-wrap items-center gap-x-4 gap-y-1">
              <AccountMenu me={me} />
              <span className="text-sm text-slate-600" title="Every time on the dashboard is in this time zone (the browser's)">
                Times in {timeZoneLabel()}
              </span>
              <ConnectionIndicator />
            </div>
          )}
        </div>
      </header>
      <main id="main" className="mx-auto max-w-[96rem] px-3 py-4 sm:px-4 sm:py-6">
        {children}
      </main>
    </>
  );
}

/** Shown while the first page's code loads. */
export function PageLoading() {
  return (
    <div className="mx-auto flex max-w-[96rem] flex-col gap-4 px-4 py-6" role="status" aria-label="Loading">
      <Skeleton className="h-10 w-48" />
      <Skeleton className="h-64 w-full" />
    </div>
  );
}
