// The audit trail against the real server with its demo people: the demo admin acknowledges an
// alert on its page, finds the entry on the Audit page with who did it, narrows the trail to
// alert actions (their own sign-in leaves it), opens the entry onto its before and after, loads
// the next page, narrows to the alert's tutor from a link, and a coach is shown the page is not
// for them.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, collectPageErrors, launchBrowser, screenshots } from './browser';
import { DEMO_ADMIN, TutorscoreServer } from './server';

const BEN = 'ben.coach@demo.tutorscore.example';

interface ApiAuditEvent {
  id: string;
  action: string;
  actorKind: string;
  actorLabel: string;
  actor: { name: string } | null;
  subjectType: string;
  subjectId: string | null;
  tutorId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface ApiAuditPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: ApiAuditEvent }[];
}

let server: TutorscoreServer;
let browser: Browser;
let page: Page;
let alertId: string;
let tutorId: string;
let acknowledged: ApiAuditEvent;
let signIn: ApiAuditEvent;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await TutorscoreServer.start({ demoUsers: true });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  collectPageErrors(page, pageErrors);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page of the trail as the API gives it (as the demo admin). */
async function auditEvents(filter: Record<string, unknown> = {}, after: string | null = null): Promise<ApiAuditPage> {
  const { auditEvents } = await server.graphql<{ auditEvents: ApiAuditPage }>(
    `query($filter: AuditFilterInput, $after: String) {
      auditEvents(filter: $filter, first: 50, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { id action actorKind actorLabel actor { name } subjectType subjectId tutorId before after } }
      }
    }`,
    { filter, after },
  );
  return auditEvents;
}

/** Today (0) or another day, as a date input's value in this machine's time zone. */
function localDay(offset: number): string {
  const day = new Date();
  day.setDate(day.getDate() + offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

async function signInAs(email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(server.password(email));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const table = () => page.getByRole('table', { name: 'Audit trail, newest first' });
const row = (id: string): Locator => table().locator(`tr[data-audit-id="${id}"]`);
const shownActions = () => table().locator('tr[data-audit-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action') ?? ''));

describe('an admin reading the audit trail', () => {
  it('signs in as the demo admin and acknowledges an alert on its page', async () => {
    await page.goto(server.url);
    await signInAs(DEMO_ADMIN);
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), { timeout: 10_000 }).toBe('Ada Admin');

    const { alerts } = await server.graphql<{ alerts: { edges: { node: { id: string; tutorId: string } }[] } }>(
      '{ alerts(filter: { statuses: [OPEN] }, first: 1) { edges { node { id tutorId } } } }',
    );
    const target = alerts.edges[0]?.node;
    if (!target) throw new Error('no open alert in the demo data');
    alertId = target.id;
    tutorId = target.tutorId;

    await page.goto(`${server.url}/alerts/${alertId}`);
    const status = page.locator('header').getByTestId('alert-status');
    await expect.poll(() => status.textContent()).toBe('Open');
    await page.locator('header').getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => status.textContent()).toBe('Acknowledged');

    const recorded = await auditEvents({ action: 'alert.acknowledged', subjectType: 'alert', subjectId: alertId });
    expect(recorded.edges).toHaveLength(1);
    acknowledged = recorded.edges[0]?.node as ApiAuditEvent;
    expect(acknowledged).toMatchObject({ actorKind: 'USER', actorLabel: DEMO_ADMIN, actor: { name: 'Ada Admin' }, tutorId });
    const signIns = await auditEvents({ action: 'user.signed_in' });
    signIn = signIns.edges[0]?.node as ApiAuditEvent;
    expect(signIn).toMatchObject({ actorLabel: DEMO_ADMIN });
  });

  it('shows the entry on the Audit page with who did what to which alert', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    const entry = row(acknowledged.id);
    await entry.waitFor();
    const cells = entry.getByRole('cell');
    expect(await cells.nth(0).locator('time').getAttribute('datetime')).toBeTruthy();
    expect(await cells.nth(1).textContent()).toBe(`Ada Admin${DEMO_ADMIN} · person`);
    expect(await cells.nth(2).textContent()).toBe('Alert acknowledgedalert.acknowledged');
    expect(await entry.getByRole('link', { name: `Alert ${alertId}` }).getAttribute('href')).toBe(`/alerts/${alertId}`);
    expect(await entry.getByRole('link', { name: 'Tutor’s page' }).getAttribute('href')).toBe(`/tutors/${tutorId}`);
    // The admin's own sign-in is there too, newer entries first.
    await row(signIn.id).getByText('Signed in').waitFor();
    const order = await shownActions();
    expect(order.length).toBeGreaterThan(2);
    await screenshots(page, 'audit');
  });

  it('narrows the trail to alert actions, in the URL, and the sign-in leaves it', async () => {
    await page.getByRole('combobox', { name: 'Action', exact: true }).selectOption('alert.');
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('alert.');
    await expect.poll(() => row(signIn.id).count(), { timeout: 5000 }).toBe(0);
    await row(acknowledged.id).waitFor();
    const actions = await shownActions();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.startsWith('alert.'))).toBe(true);

    await page.getByRole('combobox', { name: 'Action', exact: true }).selectOption('user.');
    await row(signIn.id).waitFor();
    expect(await row(acknowledged.id).count()).toBe(0);
    await page.getByRole('combobox', { name: 'Action', exact: true }).selectOption('alert.');
    await row(acknowledged.id).waitFor();

    // Up to yesterday (local days): today's acknowledgement leaves; up to today, it is back.
    await page.getByRole('textbox', { name: 'To', exact: true }).fill(localDay(-1));
    await expect.poll(() => new URL(page.url()).searchParams.get('to')).toBe(localDay(-1));
    await expect.poll(() => row(acknowledged.id).count(), { timeout: 5000 }).toBe(0);
    await page.getByRole('textbox', { name: 'To', exact: true }).fill(localDay(0));
    await row(acknowledged.id).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await page.getByRole('combobox', { name: 'Action', exact: true }).selectOption('alert.');
    await row(acknowledged.id).waitFor();
  });

  it('opens the entry onto the fields it changed and the states before and after', async () => {
    const entry = row(acknowledged.id);
    await entry.getByRole('button', { name: 'Show changes' }).click();
    expect(await entry.getByRole('button', { name: 'Hide changes' }).getAttribute('aria-expanded')).toBe('true');
    const changes = page.getByRole('table', { name: 'Changed fields' });
    const status = changes.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'status', exact: true }) });
    expect(await status.getByRole('cell').allTextContents()).toEqual([String(acknowledged.before?.status), String(acknowledged.after?.status)]);
    expect(acknowledged.before?.status).not.toBe(acknowledged.after?.status);
    expect(await page.getByRole('figure', { name: 'After' }).textContent()).toContain(`"status": "${String(acknowledged.after?.status)}"`);
    expect(await page.getByRole('figure', { name: 'Before' }).textContent()).toContain(`"status": "${String(acknowledged.before?.status)}"`);
    await screenshots(page, 'audit-changes');
    await entry.getByRole('button', { name: 'Hide changes' }).click();
    expect(await changes.count()).toBe(0);
  });

  it('loads the next page after the last entry shown', async () => {
    await page.getByRole('combobox', { name: 'Action', exact: true }).selectOption('');
    await expect.poll(() => new URL(page.url()).search).toBe('');
    const first = await auditEvents();
    expect(first.pageInfo.hasNextPage).toBe(true);
    await row(first.edges.at(-1)?.node.id ?? '').waitFor();
    const second = await auditEvents({}, first.pageInfo.endCursor);
    const older = second.edges[0]?.node;
    if (!older) throw new Error('no second page of the trail');
    expect(await row(older.id).count()).toBe(0);
    const before = (await shownActions()).length;
    await page.getByRole('button', { name: 'Load more' }).click();
    await row(older.id).waitFor();
    expect((await shownActions()).length).toBeGreaterThan(before);
    // Still newest first: the first page's entries stay on top.
    expect(await table().locator('tr[data-audit-id]').first().getAttribute('data-audit-id')).toBe(first.edges[0]?.node.id);
  });

  it("narrows to one tutor from the tutor's page", async () => {
    await page.goto(`${server.url}/tutors/${tutorId}`);
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.waitForURL(`**/audit?tutor=${tutorId}`);
    await row(acknowledged.id).waitFor();
    const { tutor } = await server.graphql<{ tutor: { name: string } }>('query($id: ID!) { tutor(id: $id) { name } }', { id: tutorId });
    await page.getByTestId('audit-tutor').getByRole('link', { name: tutor.name }).waitFor();
    const mine = await auditEvents({ tutorId });
    expect(await table().locator('tr[data-audit-id]').count()).toBe(mine.edges.length);
    expect(await row(signIn.id).count()).toBe(0);
  });

  it('shows a coach neither the link nor the trail', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signInAs(BEN);
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), { timeout: 10_000 }).toBe('Ben Coach');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await page.goto(`${server.url}/tutors/${tutorId}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    await page.goto(`${server.url}/audit`);
    await page.getByText('Only admins read the audit trail').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
  });

  it('raised no script errors and broke no Content-Security-Policy in the browser', () => {
    expect(pageErrors).toEqual([]);
  });
});
