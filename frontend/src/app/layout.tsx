import { NavLink, Outlet } from 'react-router';
import { ApiKeyForm } from '@/components/ApiKeyForm';
import { Skeleton } from '@/components/Skeleton';
import { ConnectionIndicator } from '@/features/live/components/ConnectionIndicator';
import { LiveProvider } from '@/features/live/components/LiveProvider';
import { useApiKeyRequired } from '@/lib/api-key';

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1 font-medium ${isActive ? 'bg-slate-800 text-white' : 'text-slate-800 hover:bg-slate-200'}`;

/** Header, navigation and live connection around every page. */
export function AppLayout() {
  const keyRequired = useApiKeyRequired();
  return (
    <LiveProvider>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-[96rem] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="text-lg font-bold tracking-tight">tutorscore</span>
          <nav aria-label="Main" className="flex gap-2 text-sm">
            <NavLink to="/" end className={navClass}>
              Overview
            </NavLink>
            <NavLink to="/tutors" className={navClass}>
              Tutors
            </NavLink>
          </nav>
          <div className="ml-auto">
            <ConnectionIndicator />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-[96rem] px-4 py-6">
        {keyRequired ? <ApiKeyForm /> : <Outlet />}
      </main>
    </LiveProvider>
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
