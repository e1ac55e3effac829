// The sign-in endpoints beside GraphQL: `POST /auth/sign-in` sets the HttpOnly session cookie,
// `POST /auth/sign-out` ends it, `GET /auth/status` says how this server lets people in. They
// live next to the GraphQL endpoint (same origin, so the cookie is sent).
import { env } from '@/config/env';

/** How the server lets people in. */
export interface AuthStatus {
  signedIn: boolean;
  /** The server has people: they sign in with email and password. */
  signIn: boolean;
  /** The server has API keys. */
  keys: boolean;
  /** No keys and no people: open to anyone who can reach it (loopback only). */
  open: boolean;
}

const authUrl = (path: string) => new URL(`/auth/${path}`, env.graphqlHttpUrl).href;

export async function fetchAuthStatus(): Promise<AuthStatus> {
  const response = await fetch(authUrl('status'), { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`The server answered ${response.status} to the sign-in status`);
  return (await response.json()) as AuthStatus;
}

/** Why a sign-in failed, in words for the person signing in. */
export class SignInError extends Error {}

/** Signs in (the server sets the cookie); throws a `SignInError` saying why when refused. */
export async function signIn(email: string, password: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(authUrl('sign-in'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    throw new SignInError('Could not reach the server. Check the connection and try again.');
  }
  if (response.ok) return;
  let message: string | undefined;
  try {
    const body = (await response.json()) as { errors?: { message?: string }[] };
    message = body.errors?.[0]?.message;
  } catch {
    // Not JSON: the status says enough.
  }
  throw new SignInError(signInErrorMessage(response.status, response.headers.get('retry-after'), message));
}

/** The words for a refused sign-in: wrong credentials, too many attempts (with the wait), or the server's trouble. */
export function signInErrorMessage(status: number, retryAfter: string | null, serverMessage?: string): string {
  if (status === 401) return 'Wrong email or password.';
  if (status === 429) {
    const seconds = Number(retryAfter);
    const wait = Number.isFinite(seconds) && seconds > 0 ? ` Try again in ${formatWait(seconds)}.` : ' Try again later.';
    return `Too many failed sign-ins for this account or address.${wait}`;
  }
  if (status >= 500) return `The server could not sign you in right now (${status}). Try again in a moment.`;
  return serverMessage ? `Sign-in refused: ${serverMessage}` : `Sign-in refused (${status}).`;
}

/** Seconds to wait, rounded up to minutes from a minute on. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Ends the sign-in on the server and clears the cookie. */
export async function signOut(): Promise<void> {
  const response = await fetch(authUrl('sign-out'), { method: 'POST', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`Sign-out failed (${response.status})`);
}
