// The one GraphQL client: queries over HTTP (POST), subscriptions over graphql-ws. The socket
// reconnects forever with capped exponential backoff; every subscription's first message after a
// (re)connect is a snapshot, which is how the pages resync. The socket's state feeds the
// connection indicator.
import { createClient as createWsClient } from 'graphql-ws';
import { useSyncExternalStore } from 'react';
import {
  Client,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type CombinedError,
} from 'urql';
import { env } from '@/config/env';
import { authorization, markCredentialsRequired } from './api-key';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

let socketStatus: Exclude<ConnectionStatus, 'offline'> = 'connecting';
const statusListeners = new Set<() => void>();
const notifyStatus = () => statusListeners.forEach((listener) => listener());

function setSocketStatus(next: typeof socketStatus) {
  if (next === socketStatus) return;
  socketStatus = next;
  notifyStatus();
}

/** Live connection state: the browser's network state first, then the socket's. */
export function useConnectionStatus(): ConnectionStatus {
  return useSyncExternalStore(
    (listener) => {
      statusListeners.add(listener);
      window.addEventListener('online', listener);
      window.addEventListener('offline', listener);
      return () => {
        statusListeners.delete(listener);
        window.removeEventListener('online', listener);
        window.removeEventListener('offline', listener);
      };
    },
    () => (navigator.onLine ? socketStatus : 'offline'),
  );
}

/** Milliseconds to wait before reconnect attempt `retries` (0-based): 1 s doubling up to 10 s, plus jitter. */
export function reconnectDelay(retries: number, jitter = Math.random()): number {
  return Math.min(1000 * 2 ** retries, 10_000) + jitter * 1000;
}

const wsClient = createWsClient({
  url: env.graphqlWsUrl,
  connectionParams: authorization,
  retryAttempts: Infinity,
  retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, reconnectDelay(retries))),
  on: {
    connecting: (isRetry) => setSocketStatus(isRetry ? 'reconnecting' : 'connecting'),
    connected: () => setSocketStatus('connected'),
    closed: () => setSocketStatus('reconnecting'),
  },
});

/** The server refused the request for want of a valid API key or sign-in. */
export function isUnauthenticated(error: CombinedError): boolean {
  return (
    error.response?.status === 401 ||
    error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
  );
}

export const graphqlClient = new Client({
  url: env.graphqlHttpUrl,
  preferGetMethod: false,
  // Show what is cached at once and refresh it: pages stay right after navigating back.
  requestPolicy: 'cache-and-network',
  // A signed-in person is the session cookie (same origin only); a key is the header. The
  // WebSocket sends the cookie by itself on its upgrade request.
  fetchOptions: () => ({ headers: authorization(), credentials: 'same-origin' }),
  exchanges: [
    mapExchange({
      onError(error) {
        if (isUnauthenticated(error)) markCredentialsRequired();
      },
    }),
    cacheExchange,
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({
          unsubscribe: wsClient.subscribe({ ...request, query: request.query ?? '' }, sink),
        }),
      }),
    }),
  ],
});
