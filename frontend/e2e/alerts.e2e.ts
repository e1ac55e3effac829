// Coaches on the dashboard against the real server with its demo people: sign-in (and its
// errors), the triage queue, one coach acknowledging and assigning an alert while another
// watches it change live on the alert's page and then resolves it, a viewer who cannot act,
// and the sign-in throttle. Two browsers with their own profiles: two people, two cookies.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, collectPageErrors, launchBrowser, screenshots } from './browser';
import { TutorscoreServer } from './server';

const BEN = 'ben.coach@demo.tutorscore.example';
const CLEO = 'cleo.coach@demo.tutorscore.example';
const DEV = 'dev.viewer@demo.tutorscore.example';
const ADA = 'ada.admin@demo.tutorscore.example';

interface ApiAlert {
  id: string;
  status: string;
  resolution: string | null;
  version: number;
  assignee: { name: string } | null;
  tutor: { name: string };
  history: { action: string; note: string | null; actorLabel: string }[];
}

let server: TutorscoreServer;
let benBrowser: Browser;
let cleoBrowser: Browser;
let ben: Page;
let cleo: Page;
let target: ApiAlert;
const pageErrors: string[] = [];

function watch(page: Page) {
  collectPageErrors(page, pageErrors);
}

beforeAll(async () => {
  server = await TutorscoreServer.start({ demoUsers: true });
  benBrowser = await launchBrowser();
  cleoBrowser = await launchBrowser();
  ben = await benBrowser.context.newPage();
  cleo = await cleoBrowser.context.newPage();
  watch(ben);
  watch(cleo);
});

afterAll(async () => {
  await benBrowser?.close();
  await cleoBrowser?.close();
  await server?.stop();
});

async function alertById(id: string): Promise<ApiAlert> {
  const { alert } = await server.graphql<{ alert: ApiAlert }>(
    `query($id: ID!) { alert(id: $id) { id status resolution version assignee { name } tutor { name }
       history { action note actorLabel } } }`,
    { id },
  );
  return alert;
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const card = (page: Page, id: string) => page.locator(`article[data-alert-id="${id}"]`);
const markDocument = (page: Page) => page.evaluate(() => document.documentElement.setAttribute('data-e2e-mark', 'kept'));
const documentMark = (page: Page) => page.evaluate(() => document.documentElement.getAttribute('data-e2e-mark'));

describe('coaches working alerts', () => {
  it('asks for a sign-in, says when the password is wrong, then shows who is signed in', async () => {
    await ben.goto(server.url);
    await ben.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshots(ben, 'sign-in');
    await signIn(ben, BEN, 'not the password at all');
    await ben.getByRole('alert').getByText('Wrong email or password.').waitFor();

    await signIn(ben, BEN, server.password(BEN));
    await expect.poll(() => ben.getByTestId('signed-in-as').textContent(), { timeout: 10_000 }).toBe('Ben Coach');
    await ben.getByText('Open alerts').waitFor();
    await expect.poll(() => ben.locator('[data-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('connected');

    await cleo.goto(server.url);
    await signIn(cleo, CLEO, server.password(CLEO));
    await expect.poll(() => cleo.getByTestId('signed-in-as').textContent(), { timeout: 10_000 }).toBe('Cleo Coach');
  });

  it('shows the overview’s alert counts as the API gives them', async () => {
    const { overview } = await server.graphql<{ overview: { openAlerts: number; overdueAlerts: number; unassignedAlerts: number } }>(
      '{ overview { openAlerts overdueAlerts unassignedAlerts } }',
    );
    expect(overview.openAlerts).toBeGreaterThan(0);
    await ben.getByRole('link', { name: `${overview.openAlerts} open alerts` }).waitFor();
    await ben.getByRole('link', { name: `${overview.overdueAlerts} overdue alerts` }).waitFor();
    await ben.getByRole('link', { name: `${overview.unassignedAlerts} unassigned alerts` }).waitFor();
  });

  it('lists the queue critical first with overdue alerts marked', async () => {
    const { alerts } = await server.graphql<{ alerts: { totalCount: number; edges: { node: ApiAlert & { overdue: boolean } }[] } }>(
      `{ alerts(filter: { statuses: [OPEN, ACKNOWLEDGED] }, first: 100) {
           totalCount edges { node { id status resolution version overdue assignee { name } tutor { name } history { action note actorLabel } } } } }`,
    );
    await ben.getByRole('link', { name: 'Alerts', exact: true }).click();
    await ben.getByRole('button', { name: 'Acknowledge' }).first().waitFor();
    await ben.getByLabel('Whose').selectOption('all');
    await expect.poll(() => ben.getByTestId('alert-count').textContent()).toBe(`${alerts.totalCount} alerts`);
    const first = alerts.edges[0]?.node;
    expect(await ben.locator('article[data-alert-id]').first().getAttribute('data-alert-id')).toBe(first?.id);
    const overdue = alerts.edges.find((e) => e.node.overdue)?.node;
    expect(overdue).toBeTruthy();
    expect(await card(ben, overdue?.id ?? '').getByTestId('alert-due').textContent()).toMatch(/Overdue by/);

    // The alert the next tests work on: open, nobody's, not overdue.
    const candidate = alerts.edges.find((e) => e.node.status === 'OPEN' && !e.node.assignee && !e.node.overdue)?.node;
    if (!candidate) throw new Error('no open unassigned alert in the demo data');
    target = candidate;
    await screenshots(ben, 'alerts');
  });

  it('acknowledges and assigns an alert, and a second coach sees both live', async () => {
    await ben.goto(`${server.url}/alerts?who=all`);
    await card(ben, target.id).waitFor();
    await cleo.goto(`${server.url}/alerts/${target.id}`);
    const cleoStatus = cleo.locator('header').getByTestId('alert-status');
    await expect.poll(() => cleoStatus.textContent()).toBe('Open');
    await expect.poll(() => cleo.locator('[data-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('connected');
    await markDocument(cleo);

    await card(ben, target.id).getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => card(ben, target.id).getByTestId('alert-status').textContent()).toBe('Acknowledged');
    await expect.poll(() => cleoStatus.textContent(), { timeout: 3000 }).toBe('Acknowledged');
    await cleo.getByRole('list', { name: 'Alert history, oldest first' }).getByText('Acknowledged', { exact: true }).waitFor();

    await card(ben, target.id).getByRole('button', { name: 'Assign to me' }).click();
    await cleo.getByRole('list', { name: 'Alert history, oldest first' }).getByText('Assigned to Ben Coach').waitFor({ timeout: 3000 });
    expect(await documentMark(cleo)).toBe('kept');
    const stored = await alertById(target.id);
    expect(stored.status).toBe('ACKNOWLEDGED');
    expect(stored.assignee?.name).toBe('Ben Coach');
  });

  it('tells a coach acting on a stale version that someone else acted first, and shows the alert as it is now', async () => {
    // A page that gets no live updates (its WebSocket goes nowhere) keeps the version it loaded.
    const stale = await cleoBrowser.context.newPage();
    watch(stale);
    await stale.routeWebSocket(/\/graphql$/, () => {});
    await stale.goto(`${server.url}/alerts/${target.id}`);
    const status = stale.locator('header').getByTestId('alert-status');
    await expect.poll(() => status.textContent()).toBe('Acknowledged');

    const benCookie = await server.signIn(BEN, server.password(BEN));
    const before = await alertById(target.id);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: benCookie },
      body: JSON.stringify({
        query: 'mutation($id: ID!, $v: Int!, $until: DateTime!) { snoozeAlert(id: $id, version: $v, until: $until) { status } }',
        variables: { id: target.id, v: before.version, until: new Date(Date.now() + 2 * 86_400_000).toISOString() },
      }),
    });
    const body = (await response.json()) as { data: { snoozeAlert: { status: string } } | null; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.snoozeAlert.status).toBe('SNOOZED');

    await stale.locator('header').getByRole('button', { name: 'Assign to me' }).click();
    await stale.getByRole('alert').getByText(/^Someone else changed this alert first/).waitFor();
    await expect.poll(() => status.textContent(), { timeout: 3000 }).toBe('Snoozed');
    expect((await alertById(target.id)).assignee?.name).toBe('Ben Coach');
    await stale.close();
  });

  it('resolves the alert with a note, and it leaves the first coach’s queue live', async () => {
    await ben.goto(`${server.url}/alerts?who=all&status=unresolved`);
    await card(ben, target.id).waitFor();
    await markDocument(ben);
    await cleo.goto(`${server.url}/alerts/${target.id}`);
    await cleo.locator('header').getByRole('button', { name: 'Resolve…' }).click();
    await cleo.getByLabel('What was done (note)').fill('Called the tutor; they blocked out evenings.');
    await cleo.getByRole('button', { name: 'Resolve as actioned' }).click();
    await expect.poll(() => cleo.locator('header').getByTestId('alert-status').textContent()).toBe('Resolved: Actioned');
    await cleo.getByText('“Called the tutor; they blocked out evenings.”').waitFor();
    await screenshots(cleo, 'alert-detail');

    await expect.poll(() => card(ben, target.id).count(), { timeout: 3000 }).toBe(0);
    expect(await documentMark(ben)).toBe('kept');
    const stored = await alertById(target.id);
    expect(stored.status).toBe('RESOLVED');
    expect(stored.resolution).toBe('ACTIONED');
    expect(stored.history.at(-1)).toMatchObject({ action: 'alert.resolved', note: 'Called the tutor; they blocked out evenings.', actorLabel: CLEO });
  });

  it('shows a tutor’s alerts, resolved ones too, on the tutor page', async () => {
    const { alert } = await server.graphql<{ alert: { tutorId: string; tutor: { name: string } } }>(
      'query($id: ID!) { alert(id: $id) { tutorId tutor { name } } }',
      { id: target.id },
    );
    await ben.goto(`${server.url}/tutors/${alert.tutorId}`);
    await ben.getByRole('heading', { level: 1, name: alert.tutor.name }).waitFor();
    const resolved = ben.getByRole('list', { name: 'Resolved alerts' });
    await resolved.getByText('Actioned').first().waitFor();
  });

  it('signs out, and a viewer who signs in can read the queue but not act', async () => {
    await cleo.getByRole('button', { name: 'Sign out' }).click();
    await cleo.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(cleo, DEV, server.password(DEV));
    await expect.poll(() => cleo.getByTestId('signed-in-as').textContent(), { timeout: 10_000 }).toBe('Dev Viewer');
    await cleo.goto(`${server.url}/alerts`);
    await cleo.locator('article[data-alert-id]').first().waitFor();
    expect(await cleo.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await cleo.getByRole('link', { name: 'Users' }).count()).toBe(0);
  });

  it('lets an admin add a person, whose one-time password then signs them in', async () => {
    await cleo.getByRole('button', { name: 'Sign out' }).click();
    await cleo.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(cleo, ADA, server.password(ADA));
    await cleo.getByRole('link', { name: 'Users' }).click();
    await cleo.getByRole('listitem').filter({ hasText: BEN }).waitFor();
    const form = cleo.getByRole('region', { name: 'Add a person' });
    await form.getByLabel('Name').fill('Eve Coach');
    await form.getByLabel('Email').fill('eve.coach@e2e.example');
    await form.getByLabel('Role').selectOption('COACH');
    await form.getByRole('button', { name: 'Add and make a one-time password' }).click();
    const notice = await cleo.getByRole('status').filter({ hasText: 'One-time password' }).textContent();
    const password = /shown only now\): (\S+)$/.exec(notice ?? '')?.[1];
    expect(password).toBeTruthy();
    await cleo.getByRole('listitem').filter({ hasText: 'eve.coach@e2e.example' }).waitFor();
    expect(await server.signIn('eve.coach@e2e.example', password ?? '')).toMatch(/^tutorscore_session=/);
  });

  it('says how long to wait after too many failed sign-ins (429)', async () => {
    const page = await cleoBrowser.context.newPage();
    watch(page);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    for (let attempt = 0; attempt < 5; attempt++) {
      await signIn(page, ADA, `wrong password ${attempt}`);
      await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
    }
    await signIn(page, ADA, server.password(ADA));
    await page.getByRole('alert').getByText(/Too many failed sign-ins for this account or address\. Try again in \d+ minutes\./).waitFor();
    await page.close();
  });

  it('raised no script errors and broke no Content-Security-Policy in the browser', () => {
    expect(pageErrors).toEqual([]);
  });
});
