// The dashboard against the real server: list, sort, filter, search, detail, live updates,
// reconnection after a server restart, and the API-key prompt. The tests run in order on one
// server and one page; each says which tutor it changes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, collectPageErrors, launchBrowser, screenshots } from './browser';
import { TutorscoreServer } from './server';

interface ApiTutor {
  id: string;
  externalId: string;
  name: string;
  score: { riskLevel: string; flags: { evidence: string }[] } | null;
}

interface TutorsArgs {
  filter?: { riskLevels?: string[]; flags?: string[] };
  search?: string;
  sort?: { field: string; direction: 'ASC' | 'DESC' };
  first?: number;
}

let server: TutorscoreServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await TutorscoreServer.start();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  collectPageErrors(page, pageErrors);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function tutors(args: TutorsArgs, on = server) {
  const { tutors } = await on.graphql<{ tutors: { totalCount: number; edges: { node: ApiTutor }[] } }>(
    `query($filter: TutorFilterInput, $search: String, $sort: TutorSortInput, $first: Int) {
      tutors(filter: $filter, search: $search, sort: $sort, first: $first) {
        totalCount
        edges { node { id externalId name score { riskLevel flags { evidence } } } }
      }
    }`,
    { first: 25, ...args },
  );
  return tutors;
}

let sequence = 0;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

function completedSession(tutorExternalId: string) {
  const start = hoursAgo(3);
  return {
    externalId: `e2e-${Date.now()}-${sequence++}`,
    tutorExternalId,
    studentRef: 'e2e-student',
    scheduledStart: start,
    scheduledMinutes: 60,
    status: 'COMPLETED',
    actualStart: start,
    actualEnd: new Date(Date.parse(start) + 3_600_000).toISOString(),
    rating: 5,
  };
}

function tutorNoShow(tutorExternalId: string, hoursBack: number) {
  return {
    externalId: `e2e-${Date.now()}-${sequence++}`,
    tutorExternalId,
    studentRef: `e2e-student-${sequence}`,
    scheduledStart: hoursAgo(hoursBack),
    scheduledMinutes: 60,
    status: 'TUTOR_NO_SHOW',
  };
}

async function record(inputs: object[]) {
  const { recordSessions } = await server.graphql<{ recordSessions: { error: { message: string } | null }[] }>(
    'mutation($inputs: [RecordSessionInput!]!) { recordSessions(inputs: $inputs) { error { message } } }',
    { inputs },
  );
  expect(recordSessions.map((r) => r.error)).toEqual(inputs.map(() => null));
}

const rows = () => page.locator('tbody tr');
const rowOf = (name: string) => rows().filter({ has: page.getByRole('link', { name, exact: true }) });
const firstRowName = () => rows().first().getByRole('link').textContent();
const connection = () => page.locator('[data-status]').getAttribute('data-status');
/** The "Sessions 30 d" cell of a row (cells after the name: risk, score, 7/30/90 d, no-shows, sessions). */
const sessionsCell = (name: string) => rowOf(name).locator('td').nth(6);

/** Marks the document, so a test can tell that the page was not reloaded. */
const markDocument = () => page.evaluate(() => document.documentElement.setAttribute('data-e2e-mark', 'kept'));
const documentMark = () => page.evaluate(() => document.documentElement.getAttribute('data-e2e-mark'));

describe('tutorscore dashboard', () => {
  it('lists the demo tutors', async () => {
    await page.goto(`${server.url}/tutors`);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(25);
    expect(await page.getByTestId('tutor-count').textContent()).toBe('100 tutors');
    await expect.poll(connection, { timeout: 10_000 }).toBe('connected');
    // The header names the zone the times are in: the browser's.
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await page.getByText(/^Times in /).textContent()).toContain(zone === 'Etc/UTC' ? 'UTC' : zone);
    await screenshots(page, 'tutors');
  });

  it('sorts by a column, both ways, and keeps the sort in the URL', async () => {
    await page.getByRole('button', { name: 'Sort by Quality score' }).click();
    const best = await tutors({ sort: { field: 'QUALITY_SCORE', direction: 'DESC' } });
    await expect.poll(firstRowName).toBe(best.edges[0]?.node.name);
    expect(page.url()).toContain('sort=QUALITY_SCORE');

    await page.getByRole('button', { name: 'Sort by Quality score' }).click();
    const worst = await tutors({ sort: { field: 'QUALITY_SCORE', direction: 'ASC' } });
    await expect.poll(firstRowName).toBe(worst.edges[0]?.node.name);
    expect(page.url()).toContain('dir=ASC');
  });

  it('filters by risk level and flag', async () => {
    await page.getByLabel('Risk level').selectOption('HIGH');
    const high = await tutors({ filter: { riskLevels: ['HIGH'] } });
    await expect.poll(() => page.getByTestId('tutor-count').textContent()).toBe(`${high.totalCount} tutors`);
    const badges = await rows().locator('td:first-of-type').allTextContents();
    expect(badges.length).toBe(Math.min(high.totalCount, 25));
    expect(new Set(badges)).toEqual(new Set(['High risk']));

    await page.getByLabel('Flag').selectOption('NO_SHOW_RATE');
    const highNoShows = await tutors({ filter: { riskLevels: ['HIGH'], flags: ['NO_SHOW_RATE'] } });
    expect(highNoShows.totalCount).toBeLessThan(high.totalCount);
    await expect.poll(() => page.getByTestId('tutor-count').textContent()).toBe(`${highNoShows.totalCount} tutors`);
    expect(page.url()).toMatch(/risk=HIGH.*flag=NO_SHOW_RATE|flag=NO_SHOW_RATE.*risk=HIGH/);
  });

  it('searches, and a shared URL opens the same view', async () => {
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('Chronic');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await firstRowName()).toBe('Chronic Rescheduler (Ava)');

    await page.goto(`${server.url}/tutors?risk=LOW&sort=NAME&dir=ASC`);
    const low = await tutors({ filter: { riskLevels: ['LOW'] }, sort: { field: 'NAME', direction: 'ASC' } });
    await expect.poll(firstRowName).toBe(low.edges[0]?.node.name);
    expect(await page.getByLabel('Risk level').inputValue()).toBe('LOW');
  });

  it('pages forward and back with cursors', async () => {
    await page.goto(`${server.url}/tutors?sort=NAME&dir=ASC`);
    const [firstPage, secondPage] = [
      await tutors({ sort: { field: 'NAME', direction: 'ASC' } }),
      await tutors({ sort: { field: 'NAME', direction: 'ASC' }, first: 50 }),
    ];
    await expect.poll(firstRowName).toBe(firstPage.edges[0]?.node.name);
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(firstRowName).toBe(secondPage.edges[25]?.node.name);
    expect(page.url()).toContain('after=');
    await page.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(firstRowName).toBe(firstPage.edges[0]?.node.name);
    expect(page.url()).not.toContain('after=');
  });

  it("shows a tutor's charts and the evidence of its flags", async () => {
    const [ava] = (await tutors({ search: 'Chronic Rescheduler' })).edges.map((e) => e.node);
    const evidence = ava?.score?.flags[0]?.evidence;
    expect(evidence).toBeTruthy();
    await page.goto(`${server.url}/tutors?q=Chronic`);
    await page.getByRole('link', { name: 'Chronic Rescheduler (Ava)' }).click();
    await page.waitForURL(`**/tutors/${ava?.id}`);
    await page.getByRole('heading', { level: 1, name: 'Chronic Rescheduler (Ava)' }).waitFor();
    await page.getByText(evidence ?? '').waitFor();
    for (const title of ['Reschedule rate over time', 'Weekly trend']) {
      const panel = page.getByRole('region', { name: title });
      await panel.locator('svg.recharts-surface').first().waitFor();
      await panel.getByText('Threshold 15%').first().waitFor();
    }
    await screenshots(page, 'tutor-detail');
  });

  it("updates a tutor's row in place within 2 s of a recorded session", async () => {
    await page.goto(`${server.url}/tutors?sort=NAME&dir=ASC`);
    const tutor = (await tutors({ sort: { field: 'NAME', direction: 'ASC' } })).edges[0]?.node;
    if (!tutor) throw new Error('no tutor');
    await expect.poll(firstRowName).toBe(tutor.name);
    await markDocument();
    const before = Number(await sessionsCell(tutor.name).textContent());
    const rowBefore = await rowOf(tutor.name).textContent();

    await record([completedSession(tutor.externalId)]);
    await expect.poll(() => sessionsCell(tutor.name).textContent(), { timeout: 2000, interval: 50 }).toBe(String(before + 1));
    expect(await rowOf(tutor.name).textContent()).not.toBe(rowBefore);
    expect(await documentMark()).toBe('kept');
  });

  it('shows a tutor pushed over the threshold as HIGH live, in a toast and in the feed', async () => {
    const low = await tutors({ filter: { riskLevels: ['LOW'] }, sort: { field: 'QUALITY_SCORE', direction: 'DESC' } });
    const tutor = low.edges[0]?.node;
    if (!tutor) throw new Error('no low-risk tutor');
    await page.goto(`${server.url}/tutors?q=${encodeURIComponent(tutor.name)}`);
    const badge = rowOf(tutor.name).locator('td').first();
    await expect.poll(() => badge.textContent()).toBe('Low risk');
    await markDocument();

    await record([2, 5, 8, 11, 14, 17, 20, 23].map((hours) => tutorNoShow(tutor.externalId, hours)));
    await expect.poll(() => badge.textContent(), { timeout: 5000 }).toBe('High risk');
    await page.getByRole('region', { name: 'Risk alerts' }).getByText(`${tutor.name} is now High risk`).waitFor();

    await page.getByRole('link', { name: 'Overview' }).click();
    const feed = page.getByRole('list', { name: 'Risk changes, newest first' });
    await feed.getByRole('listitem').filter({ hasText: tutor.name }).filter({ hasText: 'High risk' }).waitFor();
    expect(await documentMark()).toBe('kept');
    await screenshots(page, 'overview');
  });

  it('reconnects by itself after the server restarts, and catches up', async () => {
    await page.goto(`${server.url}/tutors?sort=NAME&dir=ASC`);
    const tutor = (await tutors({ sort: { field: 'NAME', direction: 'ASC' } })).edges[0]?.node;
    if (!tutor) throw new Error('no tutor');
    await expect.poll(firstRowName).toBe(tutor.name);
    await expect.poll(connection, { timeout: 10_000 }).toBe('connected');
    await markDocument();
    const before = Number(await sessionsCell(tutor.name).textContent());

    await server.kill();
    await expect.poll(connection, { timeout: 5000 }).toBe('reconnecting');

    await server.restart();
    // Recorded while the dashboard is still disconnected: only the resync can show it.
    await record([completedSession(tutor.externalId)]);
    await expect.poll(connection, { timeout: 20_000 }).toBe('connected');
    await expect.poll(() => sessionsCell(tutor.name).textContent(), { timeout: 5000 }).toBe(String(before + 1));

    await record([completedSession(tutor.externalId)]);
    await expect.poll(() => sessionsCell(tutor.name).textContent(), { timeout: 2000, interval: 50 }).toBe(String(before + 2));
    expect(await documentMark()).toBe('kept');
  });

  it('asks once for a viewer key when the server requires one', async () => {
    const locked = await TutorscoreServer.start({ apiKeys: 'viewer:e2e-viewer-key-0123456789' });
    try {
      const keyPage = await browser.context.newPage();
      keyPage.on('pageerror', (error) => pageErrors.push(error.message));
      await keyPage.goto(locked.url);
      await keyPage.getByRole('heading', { name: 'API key required' }).waitFor();
      await keyPage.getByLabel('Viewer key').fill('e2e-viewer-key-0123456789');
      await keyPage.getByRole('button', { name: 'Save and reload' }).click();
      await keyPage.getByText('Sessions, last 24 h').waitFor();
      await expect.poll(() => keyPage.locator('[data-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('connected');

      await keyPage.reload();
      await keyPage.getByText('Sessions, last 24 h').waitFor();
      expect(await keyPage.getByRole('heading', { name: 'API key required' }).count()).toBe(0);
      await keyPage.close();
    } finally {
      await locked.stop();
    }
  });

  it('raised no script errors and broke no Content-Security-Policy in the browser', () => {
    expect(pageErrors).toEqual([]);
  });
});
