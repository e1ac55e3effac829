// The Upcoming and Model pages against the real server's demo data: booked sessions riskiest
// first with the probability and reasons the API gives, the filters, a session booked while
// the page is open appearing by itself, and the model's holdout figures and calibration chart.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, collectPageErrors, launchBrowser, screenshots } from './browser';
import { TutorscoreServer } from './server';

interface ApiUpcoming {
  totalCount: number;
  edges: {
    node: {
      session: { id: string; isFirstSession: boolean; tutor: { id: string; name: string; externalId: string } };
      prediction: { probability: number; poorFirstProbability: number | null; reasons: { text: string; points: number }[] } | null;
    };
  }[];
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

async function upcoming(filter: Record<string, unknown> = {}, first = 25): Promise<ApiUpcoming> {
  const { upcomingSessions } = await server.graphql<{ upcomingSessions: ApiUpcoming }>(
    `query($filter: UpcomingFilterInput, $first: Int) {
      upcomingSessions(filter: $filter, first: $first) {
        totalCount
        edges { node {
          session { id isFirstSession tutor { id name externalId } }
          prediction { probability poorFirstProbability reasons { text points } }
        } }
      }
    }`,
    { filter, first },
  );
  return upcomingSessions;
}

const cards = () => page.getByRole('list', { name: 'Upcoming sessions' }).getByRole('article');
const percent = (p: number) => `${Math.round(p * 100)}%`;

describe('upcoming sessions at risk', () => {
  it('lists the next 48 hours riskiest first, with the probability and the three reasons in words', async () => {
    await page.goto(`${server.url}/upcoming`);
    const expected = await upcoming();
    expect(expected.totalCount).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('upcoming-count').textContent(), { timeout: 10_000 }).toBe(
      `${expected.totalCount} booked sessions`,
    );
    await expect.poll(() => cards().count()).toBe(Math.min(25, expected.totalCount));

    const riskiest = expected.edges[0]?.node;
    if (!riskiest?.prediction) throw new Error('the riskiest session has no prediction');
    const first = cards().first();
    expect(await first.getByTestId('failure-probability').textContent()).toBe(percent(riskiest.prediction.probability));
    expect(await first.getByRole('link', { name: riskiest.session.tutor.name }).getAttribute('href')).toBe(`/tutors/${riskiest.session.tutor.id}`);
    const reasons = await first.getByRole('list', { name: 'Top reasons' }).getByRole('listitem').allTextContents();
    expect(reasons).toHaveLength(Math.min(3, riskiest.prediction.reasons.length));
    riskiest.prediction.reasons.slice(0, 3).forEach((reason, i) => expect(reasons[i]).toContain(reason.text));

    const shown = await cards().getByTestId('failure-probability').allTextContents();
    const numbers = shown.map((s) => Number(s.replace(/[<>%]/g, '')));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    await screenshots(page, 'upcoming');
  });

  it('filters to first sessions, each with its chance of being poor', async () => {
    // The box follows the address, which a navigation sets: under a stream of live updates
    // React may render it a moment after the click, so the test waits for it.
    const firstOnly = page.getByLabel('First sessions only');
    await firstOnly.click();
    await expect.poll(() => firstOnly.isChecked()).toBe(true);
    const firsts = await upcoming({ firstSessionsOnly: true });
    await expect.poll(() => page.getByTestId('upcoming-count').textContent()).toBe(`${firsts.totalCount} booked sessions`);
    expect(page.url()).toContain('first=1');
    const count = await cards().count();
    expect(count).toBe(Math.min(25, firsts.totalCount));
    expect(await cards().getByText('First session', { exact: true }).count()).toBe(count);
    const withPoor = firsts.edges.filter((e) => typeof e.node.prediction?.poorFirstProbability === 'number').length;
    expect(await cards().getByText(/Chance of a poor first session/).count()).toBe(Math.min(25, withPoor));
  });

  it('shows a session booked while the page is open, without a reload', async () => {
    await page.goto(`${server.url}/upcoming?hours=24&sort=START`);
    await cards().first().waitFor();
    await expect.poll(() => page.locator('[data-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('connected');
    await page.evaluate(() => document.documentElement.setAttribute('data-e2e-mark', 'kept'));
    const tutor = (await upcoming()).edges[0]?.node.session.tutor;
    if (!tutor) throw new Error('no tutor');
    const start = new Date(Date.now() + 20 * 60_000);
    start.setSeconds(0, 0);
    await server.graphql(
      'mutation($input: RecordSessionInput!) { recordSession(input: $input) { outcome } }',
      {
        input: {
          externalId: `e2e-booked-${Date.now()}`,
          tutorExternalId: tutor.externalId,
          studentRef: 'e2e-new-student',
          scheduledStart: start.toISOString(),
          scheduledMinutes: 45,
          status: 'SCHEDULED',
        },
      },
    );
    const booked = cards().filter({ hasText: 'student e2e-new-student' });
    await booked.waitFor({ timeout: 10_000 });
    expect(await booked.getByRole('link', { name: tutor.name }).count()).toBe(1);
    expect(await booked.getByText('45 min').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-e2e-mark'))).toBe('kept');
  });

  it('shows the model’s holdout figures against the baseline and its calibration', async () => {
    const { predictionModel: model } = await server.graphql<{
      predictionModel: { version: number; auc: number; baselineAuc: number; brier: number; baselineBrier: number; calibration: { count: number }[] } | null;
    }>('{ predictionModel { version auc baselineAuc brier baselineBrier calibration { count } } }');
    if (!model) throw new Error('the demo data fitted no model');
    await page.getByRole('link', { name: 'Model' }).click();
    await page.getByText(`Model version ${model.version}`).waitFor();
    const auc = page.getByRole('row', { name: /AUC \(ranking\)/ });
    expect(await auc.textContent()).toContain(model.auc.toFixed(3));
    expect(await auc.textContent()).toContain(model.baselineAuc.toFixed(3));
    const brier = page.getByRole('row', { name: /Brier score/ });
    expect(await brier.textContent()).toContain(model.brier.toFixed(3));
    expect(await brier.textContent()).toContain(model.baselineBrier.toFixed(3));
    expect(await page.locator('[data-testid="calibration-bin"]').count()).toBe(model.calibration.filter((b) => b.count > 0).length);
    await page.getByRole('region', { name: 'Live predictions checked against outcomes (30 days)' }).waitFor();
    await screenshots(page, 'model');
  });

  it('raised no script errors and broke no Content-Security-Policy in the browser', () => {
    expect(pageErrors).toEqual([]);
  });
});
