// The GraphQL-over-HTTP audit suite (npm `graphql-http`) against the real server: every MUST
// and SHOULD has to pass; MAY results are printed for information.
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TutorscoreServer } from './server';

let server: TutorscoreServer;

beforeAll(async () => {
  server = await TutorscoreServer.start();
});

afterAll(async () => {
  await server?.stop();
});

const level = (result: AuditResult) => result.name.split(' ')[0] as 'MUST' | 'SHOULD' | 'MAY';

test('the server passes every MUST and SHOULD of the GraphQL-over-HTTP audits', async () => {
  const results: AuditResult[] = [];
  for (const audit of serverAudits({ url: `${server.url}/graphql` })) results.push(await audit.fn());

  const tally = new Map<string, { passed: number; failed: number }>();
  for (const result of results) {
    const counts = tally.get(level(result)) ?? { passed: 0, failed: 0 };
    if (result.status === 'ok') counts.passed += 1;
    else counts.failed += 1;
    tally.set(level(result), counts);
  }
  for (const [name, { passed, failed }] of tally) console.log(`graphql-http ${name}: ${passed} passed, ${failed} not`);
  const failures = results.flatMap((result) => (result.status === 'ok' ? [] : [`${result.name}: ${result.reason}`]));
  for (const failure of failures) console.log(`  ${failure}`);

  expect(results.length).toBeGreaterThan(40);
  const required = results.filter((r) => level(r) !== 'MAY' && r.status !== 'ok');
  expect(required.map((r) => `${r.name}: ${r.status === 'ok' ? '' : r.reason}`)).toEqual([]);
});
