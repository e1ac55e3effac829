import { useState, type FormEvent } from 'react';
import { signIn, SignInError } from '../api/sign-in';

interface SignInFormProps {
  /** Called once the cookie is set: the dashboard reloads as the signed-in person. */
  onSignedIn: () => void;
  /** Offered when the server also has API keys (integrators, scripts). */
  onUseKey?: () => void;
}

/** Email and password; the server's refusal (wrong password, too many attempts) shown as it is. */
export function SignInForm({ onSignedIn, onUseKey }: SignInFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      onSignedIn();
    } catch (e) {
      setError(e instanceof SignInError ? e.message : 'Sign-in failed. Try again.');
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={submit}
      aria-labelledby="sign-in-title"
      className="mx-auto mt-8 flex w-full max-w-md flex-col gap-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <h1 id="sign-in-title" className="text-xl font-bold">
        Sign in
      </h1>
      <p className="text-sm text-slate-700">Sign in with the email and password your tutorscore admin gave you.</p>
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          {error}
        </p>
      )}
      <label className="flex flex-col gap-1 text-sm font-medium">
        Email
        <input
          type="email"
          required
          autoFocus
          autoComplete="username"
          inputMode="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className="field py-2 text-base"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Password
        <input
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="field py-2 text-base"
        />
      </label>
      <button type="submit" className="btn justify-center py-2" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {onUseKey && (
        <button type="button" className="link self-start text-sm" onClick={onUseKey}>
          Use an API key instead
        </button>
      )}
    </form>
  );
}
