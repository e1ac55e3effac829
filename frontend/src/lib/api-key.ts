// The viewer API key. A server with API keys answers 401 / UNAUTHENTICATED without one: the
// client then flags the key as required, the layout asks for it once, and it is kept in
// localStorage and sent on every HTTP request and in the WebSocket `connection_init` payload.
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'tutorscore.apiKey';

export function readApiKey(): string | null {
  return localStorage.getItem(STORAGE_KEY);
}

export function saveApiKey(key: string): void {
  localStorage.setItem(STORAGE_KEY, key.trim());
}

/** The `Authorization` header for the stored key, or nothing without one. */
export function authorization(): Record<string, string> {
  const key = readApiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

let required = false;
const listeners = new Set<() => void>();

export function markApiKeyRequired(): void {
  if (required) return;
  required = true;
  listeners.forEach((listener) => listener());
}

/** True once the server refused a request for want of a (valid) key. */
export function useApiKeyRequired(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => required,
  );
}
