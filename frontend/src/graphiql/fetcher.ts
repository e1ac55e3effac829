// GraphiQL's fetcher: queries and mutations over HTTP, subscriptions over graphql-ws, both to
// the dashboard's endpoint and both carrying the API key the dashboard keeps (as
// `Authorization: Bearer` on HTTP, in the `connection_init` payload on the socket).
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { getIntrospectionQuery, parse, type DocumentNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { env } from '@/config/env';
import { authorization } from '@/lib/api-key';

/**
 * How many `ofType` levels the schema query asks for. graphql-js asks for 9, which is deeper
 * than the server's default depth limit (12) allows; 6 fits it and covers wrappings such as
 * `[[Int!]!]!`, deeper than any in the schema.
 */
export const INTROSPECTION_TYPE_DEPTH = 6;

const withoutSubscriptions = (query: string) => query.replace('subscriptionType { name }', '');
const standard = getIntrospectionQuery();
const shallow = getIntrospectionQuery({ typeDepth: INTROSPECTION_TYPE_DEPTH });

/** GraphiQL's schema query made shallow enough for the depth limit; any other query as it is. */
export function fitIntrospection(query: string): string {
  if (query === standard) return shallow;
  if (query === withoutSubscriptions(standard)) return withoutSubscriptions(shallow);
  return query;
}

/** The query's document, or nothing when it does not parse (the server then says why). */
export function documentOf(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}

export function createFetcher(): Fetcher {
  const wsClient = createClient({
    url: env.graphqlWsUrl,
    connectionParams: authorization,
    retryAttempts: 5,
  });
  const fetcher = createGraphiQLFetcher({ url: env.graphqlHttpUrl, wsClient, headers: authorization() });
  return (params, options) => {
    const query = fitIntrospection(params.query);
    // The toolkit picks the WebSocket for subscriptions from the document GraphiQL passes, which
    // GraphiQL updates 100 ms after an edit: run straight after a paste and a subscription would
    // go over HTTP. Parse what is actually sent instead.
    return fetcher({ ...params, query }, { ...options, documentAST: documentOf(query) ?? options?.documentAST });
  };
}
