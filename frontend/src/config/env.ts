// The dashboard's configuration, read once from Vite's build-time environment and validated here
// so that a bad value fails loudly at start instead of as a broken request later.

/** Where the GraphQL endpoint lives, over HTTP and over WebSocket. */
export interface Env {
  graphqlHttpUrl: string;
  graphqlWsUrl: string;
}

/** Resolves `raw` (default `/graphql`, relative to `origin`) into the HTTP and WebSocket URLs. */
export function parseEnv(raw: string | undefined, origin: string): Env {
  const http = new URL(raw || '/graphql', origin);
  if (http.protocol !== 'http:' && http.protocol !== 'https:') {
    throw new Error(`VITE_GRAPHQL_URL must be an http(s) URL or a path, got "${raw}"`);
  }
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { graphqlHttpUrl: http.href, graphqlWsUrl: ws.href };
}

export const env = parseEnv(import.meta.env.VITE_GRAPHQL_URL, window.location.origin);
