// The server's subscriptions through graphql-ws, the third-party client the dashboard uses,
// without a browser: snapshot first, live updates, and a resync after the server is killed and
// restarted (the client reconnects and resubscribes by itself).
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';

import { TutorscoreServer } from './server';

interface ScoreUpdate {
  snapshot: boolean;
  tutorId: string | null;
  version: number;
}

let server: TutorscoreServer;
let client: Client;
let connections = 0;
const updates: ScoreUpdate[] = [];

/** Waits until `accept` matches an update received after `from`, and returns it. */
async function nextUpdate(from: number, accept: (u: ScoreUpdate) => boolean): Promise<ScoreUpdate> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const found = updates.slice(from).find(accept);
    if (found) return found;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no matching update; got ${JSON.stringify(updates.slice(from))}`);
}

async function noShow(tutorExternalId: string, externalId: string): Promise<void> {
  const start = new Date(Date.now() - 3 * 3600_000).toISOString();
  await server.graphql('mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }', {
    i: { externalId, tutorExternalId, studentRef: 'ws-student', scheduledStart: start, scheduledMinutes: 60, status: 'TUTOR_NO_SHOW' },
  });
}

beforeAll(async () => {
  server = await TutorscoreServer.start();
  client = createClient({
    url: `ws://127.0.0.1:${server.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: () => new Promise((done) => setTimeout(done, 300)),
    on: { connected: () => void (connections += 1) },
  });
});

afterAll(async () => {
  await client?.dispose();
  await server?.stop();
});

test('a graphql-ws client gets the snapshot, live updates, and resyncs after a restart', async () => {
  const { tutor } = await server.graphql<{ tutor: { id: string } }>('{ tutor(externalId: "demo-tutor-00012") { id } }');
  client.subscribe<{ tutorScoreUpdated: ScoreUpdate }>(
    { query: 'subscription($id: ID) { tutorScoreUpdated(tutorId: $id) { snapshot tutorId version } }', variables: { id: tutor.id } },
    {
      next: (message) => {
        if (message.data) updates.push(message.data.tutorScoreUpdated);
      },
      error: () => {},
      complete: () => {},
    },
  );
  const snapshot = await nextUpdate(0, (u) => u.snapshot);
  expect(snapshot.tutorId).toBe(tutor.id);

  await noShow('demo-tutor-00012', 'graphql-ws-1');
  const live = await nextUpdate(1, (u) => !u.snapshot);
  expect(live.version).toBeGreaterThan(snapshot.version);

  const seen = updates.length;
  await server.kill();
  await server.restart();
  const resync = await nextUpdate(seen, (u) => u.snapshot);
  expect(connections).toBeGreaterThanOrEqual(2);
  expect(resync.version).toBeGreaterThanOrEqual(live.version);

  await noShow('demo-tutor-00012', 'graphql-ws-2');
  const after = await nextUpdate(seen + 1, (u) => !u.snapshot);
  expect(after.version).toBeGreaterThan(resync.version);
});
