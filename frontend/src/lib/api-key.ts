// The API key, for integrators and servers without people, and the "credentials required"
// signal. A server answers 401 / UNAUTHENTICATED to a caller it does not know: the client then
// flags credentials as required and the layout asks for them once (a sign-in when the server
// has people, else a key). A key is kept in localStorage and sent on every HTTP request and in
// the WebSocket `connection_init` payload; a signed-in person rides on the session cookie.
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'tutorscore.apiKey';

export function readApiKey(): string | null {
  return localStorage.getItem(STORAGE_KEY);
}

export function saveApiKey(key: string): void {
  localStorage.setItem(STORAGE_KEY, key.trim());
}

export function forgetApiKey(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** The `Authorization` header for the stored key, or nothing without one. */
export function authorization(): Record<string, string> {
  const key = readApiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

let required = false;
const listeners = new Set<() => void>();

export function markCredentialsRequired(): void {
  if (required) return;
  required = true;
  listeners.forEach((listener) => listener());
}

/** True once the server refused a request for want of a (valid) key or sign-in. */
export function useCredentialsRequired(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => required,
  );
}
