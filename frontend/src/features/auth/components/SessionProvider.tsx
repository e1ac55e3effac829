// Who the dashboard acts as, for every page: pages and routes read it with `useSession()` to
// decide what to offer (a viewer cannot act on alerts; only admins manage people).
import { createContext, use, type ReactNode } from 'react';
import type { Me } from '../api/me';

const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext value={me}>{children}</SessionContext>;
}

/** The caller; only inside the signed-in layout. */
export function useSession(): Me {
  const me = use(SessionContext);
  if (!me) throw new Error('useSession outside SessionProvider');
  return me;
}
