/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** GraphQL endpoint, absolute or relative to the page; WebSocket subscriptions use the same path. */
  readonly VITE_GRAPHQL_URL?: string;
}
