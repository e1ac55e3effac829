import { useState } from 'react';
import { forgetApiKey, readApiKey } from '@/lib/api-key';
import { roleLabel } from '@/lib/labels';
import type { Me } from '../api/me';
import { signOut } from '../api/sign-in';

/** Who is signed in, with sign-out (a person) or "forget key" (a key); the open server says so. */
export function AccountMenu({ me }: { me: Me }) {
  const [error, setError] = useState<string | null>(null);

  if (me.kind === 'LOCAL') {
    return (
      <span className="text-sm text-slate-700" title="No users and no API keys: everyone on this machine acts as an admin">
        Local admin (open server)
      </span>
    );
  }
  if (me.user) {
    const out = async () => {
      try {
        await signOut();
        window.location.assign('/');
      } catch (e) {
        setError(e instanceof Error ? e.message : 'Sign-out failed');
      }
    };
    return (
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span>
          <span className="font-medium" data-testid="signed-in-as">
            {me.user.name}
          </span>{' '}
          <span className="text-slate-600">({roleLabel[me.user.role]})</span>
        </span>
        <button type="button" className="btn px-2 py-1" onClick={out}>
          Sign out
        </button>
        {error && (
          <span role="alert" className="text-red-800">
            {error}
          </span>
        )}
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-700">API key: {me.label}</span>
      {readApiKey() !== null && (
        <button
          type="button"
          className="btn px-2 py-1"
          onClick={() => {
            forgetApiKey();
            window.location.assign('/');
          }}
        >
          Forget key
        </button>
      )}
    </div>
  );
}
