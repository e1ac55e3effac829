import { useSession } from '@/features/auth/components/SessionProvider';
import { UsersPage } from '@/features/users/components/UsersPage';

export default function UsersRoute() {
  const me = useSession();
  return <UsersPage canAdminister={me.canAdminister} myId={me.user?.id ?? null} />;
}
