import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  BIG_PAGE_CHARS,
  describeFigures,
  largeStorage,
  measureIsolation,
  quantile,
  sandboxPage,
} from '../bench/isolation.js';
import type { CliProcess } from '../support/cli.js';
import { startVerifiedHttpCli } from '../support/verified-http.js';

// `confluence-mcp http` as its own process (dist/, so its conversion workers run the compiled worker), with two
// verified callers acting with one API token against the sandbox in this process: real HTTP on both legs.
let sandbox: Sandbox;
let cli: CliProcess;
let url: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  ({ cli, url } = await startVerifiedHttpCli(sandbox));
});

afterAll(async () => {
  await cli?.stop();
  await sandbox?.close();
});

describe('isolation between users', () => {
  it("keeps another user's small reads fast and /healthz answering while one user sends adversarial conversions", async () => {
    const mcpUrl = `${url}/mcp`;
    const token = (subject: string) => sandbox.mintCallerToken({ subject, audience: mcpUrl, name: subject });
    const figures = await measureIsolation(
      {
        mcpUrl,
        healthUrl: `${url}/healthz`,
        attackerToken: await token('mallory'),
        victimToken: await token('victor'),
        space: 'ENG',
        smallPage: sandboxPage(sandbox, 'Isolation small page', '<p>Small page for the victim.</p>'),
        bigPage: sandboxPage(sandbox, 'Isolation big page', largeStorage(BIG_PAGE_CHARS)),
      },
      { baselineCalls: 30, parts: 2 },
    );
    describeFigures(figures, (line) => process.stderr.write(`${line}\n`));

    expect(figures.victimErrors).toEqual([]);
    // The victim kept calling throughout the attack (sequential calls, each after the last answer), and no answer
    // waited for the attacker's conversions: one queued behind a conversion on the main thread would take seconds,
    // a good share of the attack. The bound is a quarter of the attack's own time, measured under the same load
    // (the issue's target, 100 ms, is a benchmark figure: npm run bench -- --only isolation).
    expect(figures.underAttack.length).toBeGreaterThanOrEqual(5);
    expect(quantile(figures.underAttack, 0.99)).toBeLessThan(figures.attackMs / 4);
    expect(figures.health.length).toBeGreaterThanOrEqual(5);
    expect(figures.healthFailures).toEqual([]);
    expect(Math.max(...figures.health)).toBeLessThan(figures.attackMs / 4);

    // Each hostile create ended in the clear error, within its budget; nothing was created.
    const creates = figures.attack.filter((a) => a.label.startsWith('create'));
    expect(creates).toHaveLength(1);
    // Stopped at its budget, or (waiting behind the batch's conversions) at the call's deadline: either way a
    // conversion error that says nothing was changed. On a machine so busy that the sandbox (in this test's process)
    // cannot answer the space lookup before it, the call ends there instead, telling the caller to retry.
    expect(creates[0]?.outcome).toMatch(
      /^isError: Converting this Markdown to Confluence format (was stopped: .*3000 ms|did not finish within this call's time).*Nothing was changed|^isError: Confluence did not answer in time for spaces\. Retry once/,
    );
    const batch = figures.attack.find((a) => a.label.startsWith('4 MB batch'))?.outcome ?? '';
    expect(batch).toMatch(/^HTTP 200, 4 of 4 results isError/);
    expect(batch).toMatch(/was stopped|did not finish within this call's time/);
    // The big page reads in parts, or (when the machine is too busy to convert it within the budget, or to fetch
    // 4.9 MB from the sandbox in this busy test process within the call's time) says how to read it instead.
    for (const read of figures.attack.filter((a) => a.label.startsWith('read'))) {
      expect(read.outcome).toMatch(
        /^ok: # Isolation big page|^isError: .*body_format "storage"|^isError: Converting this page to Markdown did not finish|^isError: Confluence did not answer in time for page \d+\. Retry once/,
      );
    }
    const titles = [...sandbox.site.pages.values()].map((p) => p.versions.at(-1)?.title ?? '');
    expect(titles.filter((t) => t.startsWith('Hostile'))).toEqual([]);
  }, 180_000);
});
