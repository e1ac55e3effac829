// GraphiQL, built from the npm package with the dashboard and served from our own origin at
// /graphiql: nothing loads from elsewhere, so it works offline and under the server's strict
// Content-Security-Policy.
import { setNonce } from 'get-nonce';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createFetcher } from './fetcher';
import './graphiql.css';

// The <style> elements that GraphiQL's dialogs and menus insert carry the page's nonce (the
// policy allows no other inline style).
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce;
if (nonce) setNonce(nonce);

const DEFAULT_QUERY = `# tutorscore GraphiQL. Queries and mutations go over HTTP, subscriptions over WebSocket;
# the API key the dashboard saved is sent with both. "Docs" (top left) browses the schema.
{
  overview {
    tutors
    highRisk
  }
}
`;

const root = document.getElementById('graphiql');
if (!root) throw new Error('graphiql.html has no #graphiql element');

createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={createFetcher()} defaultQuery={DEFAULT_QUERY} />
  </StrictMode>,
);
