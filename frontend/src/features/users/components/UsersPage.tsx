// People, for admins: who can sign in with which role; add a person (their one-time password
// is shown once, here), change a role, deactivate (signs them out everywhere), reset a password.
import { useState, type FormEvent } from 'react';
import type { CombinedError } from 'urql';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import type { UserRole } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';
import { roleLabel, userRoles } from '@/lib/labels';
import { useUserMutations, useUsers } from '../api/users';

const errorText = (error: CombinedError) => error.graphQLErrors[0]?.message ?? error.message;

export function UsersPage({ canAdminister, myId }: { canAdminister: boolean; myId: string | null }) {
  const [{ data, error }, refetch] = useUsers();
  const { create, update, resetPassword, busy } = useUserMutations();
  const [notice, setNotice] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  if (!canAdminister) return <EmptyState title="Only admins manage people" />;
  if (error && !data) return <ErrorState title="Could not load people" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;

  const onCreate = async (input: { email: string; name: string; role: UserRole }) => {
    const result = await create({ input });
    if (result.error) {
      setNotice({ tone: 'error', text: `Could not add ${input.email}: ${errorText(result.error)}` });
      return false;
    }
    refetch({ requestPolicy: 'network-only' });
    setNotice({ tone: 'ok', text: `Added ${input.email}. One-time password (shown only now): ${result.data?.createUser.oneTimePassword ?? '—'}` });
    return true;
  };

  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Users</h1>
      {notice && (
        <p role={notice.tone === 'error' ? 'alert' : 'status'} className={`rounded-md border p-3 text-sm break-words ${notice.tone === 'error' ? 'border-red-200 bg-red-50 text-red-900' : 'border-emerald-200 bg-emerald-50 text-emerald-950'}`}>
          {notice.text}
        </p>
      )}
      <Panel title="Add a person">
        <CreateUserForm onCreate={onCreate} busy={busy} />
      </Panel>
      <Panel title="People">
        {!data ? (
          <Skeleton className="h-40 w-full" />
        ) : data.users.length === 0 ? (
          <EmptyState title="Nobody yet">While nobody exists and no API keys are set, the server stays open on this machine.</EmptyState>
        ) : (
          <ul className="flex flex-col divide-y divide-slate-200">
            {data.users.map((user) => (
              <li key={user.id} className="flex flex-col gap-2 py-3 text-sm sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <p className="font-medium">
                    {user.name} {!user.active && <span className="text-slate-600">(inactive)</span>}
                  </p>
                  <p className="break-all text-slate-600">
                    {user.email} · since {formatDateTime(user.createdAt)}
                  </p>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  <label className="sr-only" htmlFor={`role-${user.id}`}>
                    Role of {user.name}
                  </label>
                  <select
                    id={`role-${user.id}`}
                    value={user.role}
                    disabled={busy || user.id === myId}
                    onChange={async (e) => {
                      const r = await update({ id: user.id, input: { role: e.target.value as UserRole } });
                      setNotice(r.error ? { tone: 'error', text: errorText(r.error) } : { tone: 'ok', text: `${user.name} is now ${roleLabel[e.target.value as UserRole]}.` });
                    }}
                    className="field"
                  >
                    {userRoles.map((role) => (
                      <option key={role} value={role}>
                        {roleLabel[role]}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="btn"
                    disabled={busy || user.id === myId}
                    onClick={async () => {
                      const r = await update({ id: user.id, input: { active: !user.active } });
                      setNotice(r.error ? { tone: 'error', text: errorText(r.error) } : { tone: 'ok', text: `${user.name} ${user.active ? 'deactivated and signed out' : 'reactivated'}.` });
                    }}
                  >
                    {user.active ? 'Deactivate' : 'Reactivate'}
                  </button>
                  <button
                    type="button"
                    className="btn"
                    disabled={busy}
                    onClick={async () => {
                      const r = await resetPassword({ id: user.id });
                      setNotice(
                        r.error
                          ? { tone: 'error', text: errorText(r.error) }
                          : { tone: 'ok', text: `New one-time password for ${user.email} (shown only now): ${r.data?.resetPassword.oneTimePassword ?? '—'}` },
                      );
                    }}
                  >
                    Reset password
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}

function CreateUserForm({ onCreate, busy }: { onCreate: (input: { email: string; name: string; role: UserRole }) => Promise<boolean>; busy: boolean }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('COACH');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onCreate({ email: email.trim(), name: name.trim(), role })) {
      setEmail('');
      setName('');
    }
  };
  return (
    <form onSubmit={submit} className="grid gap-3 sm:flex sm:flex-wrap sm:items-end">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Name
        <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} className="field" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Email
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} className="field" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as UserRole)} className="field">
          {userRoles.map((r) => (
            <option key={r} value={r}>
              {roleLabel[r]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn justify-center" disabled={busy}>
        Add and make a one-time password
      </button>
    </form>
  );
}
