import { useSession } from '@/features/auth/components/SessionProvider';
import { AuditPage } from '@/features/audit/components/AuditPage';

export default function AuditRoute() {
  const me = useSession();
  return <AuditPage canAdminister={me.canAdminister} />;
}
