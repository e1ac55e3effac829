// What the dashboard shows when the server does not know the caller: a sign-in form when the
// server has people (with the key form one click away when it also has keys), else the key form.
import { useEffect, useState } from 'react';
import { ApiKeyForm } from '@/components/ApiKeyForm';
import { Skeleton } from '@/components/Skeleton';
import { ErrorState } from '@/components/States';
import { fetchAuthStatus, type AuthStatus } from '../api/sign-in';
import { SignInForm } from './SignInForm';

export function AccessGate() {
  const [status, setStatus] = useState<AuthStatus | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [useKey, setUseKey] = useState(false);

  useEffect(() => {
    let current = true;
    fetchAuthStatus().then(
      (s) => current && setStatus(s),
      (e: unknown) => current && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  if (error) {
    return (
      <ErrorState
        title="Could not reach the server"
        error={error}
        onRetry={() => {
          setError(null);
          setAttempt((n) => n + 1);
        }}
      />
    );
  }
  if (!status) return <Skeleton className="mx-auto mt-8 h-64 w-full max-w-md" />;
  if (status.signIn && !useKey) {
    return (
      <SignInForm onSignedIn={() => window.location.reload()} onUseKey={status.keys ? () => setUseKey(true) : undefined} />
    );
  }
  return <ApiKeyForm />;
}
