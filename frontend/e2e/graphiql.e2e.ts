// GraphiQL at /graphiql against the real server, as on a machine without internet: every
// request to another origin is aborted (and recorded), so the page has to load everything from
// the server itself, under the server's Content-Security-Policy. It renders, runs a query,
// browses the schema, opens a dialog (whose run-time <style> needs the page's nonce), and shows
// a subscription's pushes; with API keys it sends the stored key over HTTP and WebSocket.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshots, type Browser } from './browser';
import { TutorscoreServer } from './server';

let server: TutorscoreServer;
let browser: Browser;
let page: Page;
/** Requests to anywhere but the server: none should be attempted. */
const foreignRequests: string[] = [];
/** CSP violations, from the console and from `securitypolicyviolation` events. */
const violations: string[] = [];
const pageErrors: string[] = [];
const sockets: string[] = [];

/** Aborts every request that does not go to 127.0.0.1 (data: and blob: URLs stay local). */
async function cutOffTheInternet(context: BrowserContext) {
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    foreignRequests.push(url.href);
    return route.abort('internetdisconnected');
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
}

function watch(target: Page) {
  target.on('pageerror', (error) => pageErrors.push(error.message));
  target.on('websocket', (socket) => sockets.push(socket.url()));
  target.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation/i.test(text)) violations.push(text);
  });
}

beforeAll(async () => {
  server = await TutorscoreServer.start();
  browser = await launchBrowser();
  await cutOffTheInternet(browser.context);
  page = await browser.context.newPage();
  watch(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Replaces the query editor's text (CodeMirror's own API: typing would auto-close brackets). */
async function setQuery(target: Page, query: string) {
  await target.locator('.graphiql-query-editor .CodeMirror').evaluate((element, text) => {
    (element as HTMLElement & { CodeMirror: { setValue: (value: string) => void } }).CodeMirror.setValue(text);
  }, query);
}

/** The response pane's text. */
function responseText(target: Page): Promise<string> {
  return target.locator('.graphiql-response .CodeMirror').evaluate((element) => {
    return (element as HTMLElement & { CodeMirror: { getValue: () => string } }).CodeMirror.getValue();
  });
}

async function responseJson<T>(target: Page): Promise<T | null> {
  try {
    return JSON.parse(await responseText(target)) as T;
  } catch {
    return null;
  }
}

const runButton = (target: Page) => target.getByRole('button', { name: /^(Execute|Stop) query/ });

let sequence = 0;
function completedSession(tutorExternalId: string) {
  const start = new Date(Date.now() - 3 * 3_600_000).toISOString();
  return {
    externalId: `graphiql-e2e-${Date.now()}-${sequence++}`,
    tutorExternalId,
    studentRef: 'graphiql-student',
    scheduledStart: start,
    scheduledMinutes: 60,
    status: 'COMPLETED',
    actualStart: start,
    actualEnd: new Date(Date.parse(start) + 3_600_000).toISOString(),
    rating: 4,
  };
}

describe('GraphiQL served by tutorscore, offline', () => {
  it('renders from our own origin under the Content-Security-Policy', async () => {
    const response = await page.goto(`${server.url}/graphiql`);
    expect(response?.status()).toBe(200);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    await runButton(page).waitFor();
  });

  it('runs a query and shows the result', async () => {
    await setQuery(page, '{ overview { tutors } }');
    await runButton(page).click();
    await expect
      .poll(() => responseJson<{ data?: { overview?: { tutors?: number } } }>(page), { timeout: 10_000 })
      .toEqual({ data: { overview: { tutors: 100 } } });
    await screenshots(page, 'graphiql-query');
  });

  it('browses the schema in the documentation explorer', async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('A GraphQL schema provides a root type for each kind of operation.').waitFor();
    await docs.locator('a', { hasText: /^Query$/ }).first().click();
    await docs.locator('a', { hasText: /^overview$/ }).first().click();
    await docs.locator('a', { hasText: /^Overview$/ }).first().click();
    await docs.getByText('Tutors without a score yet.').waitFor();
    await screenshots(page, 'graphiql-docs');
  });

  it('opens the settings dialog without a policy violation', async () => {
    await page.getByRole('button', { name: 'Open settings dialog' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(violations).toEqual([]);
  });

  it('shows what a subscription pushes over the WebSocket', async () => {
    const { tutor } = await server.graphql<{ tutor: { id: string } }>('{ tutor(externalId: "demo-tutor-00003") { id } }');
    await setQuery(page, `subscription { sessionRecorded(tutorId: "${tutor.id}") { snapshot externalId status } }`);
    await runButton(page).click();
    // The first message is the snapshot marker: from then on the stream is listening.
    await expect
      .poll(() => responseJson<{ data?: { sessionRecorded?: { snapshot: boolean } } }>(page), { timeout: 10_000 })
      .toMatchObject({ data: { sessionRecorded: { snapshot: true } } });

    const session = completedSession('demo-tutor-00003');
    await server.graphql('mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }', { i: session });
    await expect
      .poll(() => responseJson<unknown>(page), { timeout: 5_000 })
      .toEqual({ data: { sessionRecorded: { snapshot: false, externalId: session.externalId, status: 'COMPLETED' } } });
    expect(sockets).toEqual([`ws://127.0.0.1:${server.port}/graphql`]);
    await screenshots(page, 'graphiql-subscription');
    await page.getByRole('button', { name: /^Stop query/ }).click();
  });

  it('sends the stored API key over HTTP and in the WebSocket init', async () => {
    const locked = await TutorscoreServer.start({ apiKeys: 'viewer:graphiql-viewer-key-0123456789,ingest:graphiql-ingest-key-0123456789' });
    const keyed = await browser.context.newPage();
    watch(keyed);
    try {
      await keyed.goto(`${locked.url}/graphiql`);
      await keyed.evaluate(() => localStorage.setItem('tutorscore.apiKey', 'graphiql-viewer-key-0123456789'));
      await keyed.reload();
      await keyed.locator('.graphiql-query-editor .CodeMirror').waitFor();

      await setQuery(keyed, '{ overview { tutors } }');
      await runButton(keyed).click();
      await expect
        .poll(() => responseJson<unknown>(keyed), { timeout: 10_000 })
        .toEqual({ data: { overview: { tutors: 100 } } });

      await setQuery(keyed, 'subscription { sessionRecorded { snapshot externalId } }');
      await runButton(keyed).click();
      await expect
        .poll(() => responseJson<unknown>(keyed), { timeout: 10_000 })
        .toMatchObject({ data: { sessionRecorded: { snapshot: true } } });
      const session = completedSession('demo-tutor-00004');
      await locked.graphql('mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }', { i: session }, 'graphiql-ingest-key-0123456789');
      await expect
        .poll(() => responseJson<unknown>(keyed), { timeout: 5_000 })
        .toEqual({ data: { sessionRecorded: { snapshot: false, externalId: session.externalId } } });
      await keyed.getByRole('button', { name: /^Stop query/ }).click();
    } finally {
      await keyed.close();
      await locked.stop();
    }
  });

  it('needed nothing from another origin, and broke no policy and no script', () => {
    expect(foreignRequests).toEqual([]);
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
