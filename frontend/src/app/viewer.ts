import { useSession } from '@/features/auth/components/SessionProvider';

/** The signed-in caller as the alert and intervention pages see it: may they act, and who is "me". */
export function useViewer() {
  const me = useSession();
  return { canTriage: me.canTriage, canAdminister: me.canAdminister, userId: me.user?.id ?? null };
}
