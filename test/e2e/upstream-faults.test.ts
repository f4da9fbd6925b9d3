import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion, type SandboxPage } from '../../src/sandbox/model.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

// Real HTTP on both legs: MCP client -> server (in this process) -> sandbox, with the sandbox misbehaving.
const DEADLINE_MS = 1500;
let sandbox: Sandbox;
let server: Awaited<ReturnType<typeof startToolServer>>;

const pagesTitled = (title: string): SandboxPage[] =>
  [...sandbox.site.pages.values()].filter((p) => currentVersion(p).title === title && p.status === 'current');
const anyPage = (): SandboxPage => {
  for (const p of sandbox.site.pages.values()) if (p.status === 'current') return p;
  throw new Error('the sandbox has no page');
};

beforeAll(async () => {
  sandbox = await startSandbox();
  server = await startToolServer(gatewayAuth(sandbox), { limits: { callDeadlineMs: DEADLINE_MS } });
});

afterEach(() => sandbox.faults.clear());

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

describe('writes whose answer is lost', () => {
  it('never makes a duplicate page when the answer to a create is dropped, and tells the model to look first', async () => {
    const title = 'Lost answer runbook';
    const drop = sandbox.faults.add({ method: 'POST', path: '/api/v2/pages', dropResponse: true, times: 1 });
    const result = await server.call('confluence_create_page', { space: 'ENG', title, body: 'Steps' });
    expect(drop.hits).toBe(1);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/may have been done anyway/);
    expect(textOf(result)).toMatch(/search for its title/);
    // Created once, although no answer said so: the create was not sent again.
    expect(pagesTitled(title)).toHaveLength(1);

    // Following the advice finds it; repeating the create regardless is refused, not duplicated.
    const found = await server.call('confluence_search', { query: title });
    expect(textOf(found)).toContain(title);
    const again = await server.call('confluence_create_page', { space: 'ENG', title, body: 'Steps' });
    expect(again.isError).toBe(true);
    expect(pagesTitled(title)).toHaveLength(1);
  });

  it('retries a page update whose answer is dropped and ends in success with one new version', async () => {
    const page = anyPage();
    const before = page.versions.length;
    const drop = sandbox.faults.add({
      method: 'PUT',
      path: `/api/v2/pages/${page.id}`,
      dropResponse: true,
      times: 1,
    });
    const result = await server.call('confluence_update_page', {
      page: page.id,
      body: '<p>Rewritten once, answered never.</p>',
      body_format: 'storage',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(drop.hits).toBe(1);
    expect(page.versions.length).toBe(before + 1);
    expect(currentVersion(page).body).toContain('Rewritten once, answered never.');
    expect((result.structuredContent as { version: number }).version).toBe(before + 1);
  });
});

describe('a hung upstream', () => {
  it('answers within the call deadline while the server stays responsive to others', async () => {
    const hung = anyPage();
    sandbox.faults.add({ method: 'GET', path: `/api/v2/pages/${hung.id}`, hold: true });
    const started = performance.now();
    const call = server.call('confluence_get_page', { page: hung.id }).then((result) => ({
      result,
      ms: performance.now() - started,
    }));
    await sandbox.faults.whenHeld();
    // Meanwhile: another call and the health check are answered.
    const other = await server.call('confluence_list_spaces', { limit: 1 });
    expect(other.isError, textOf(other)).toBeFalsy();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    const { result, ms } = await call;
    process.stdout.write(
      `hung upstream: answered after ${Math.round(ms)} ms with a ${DEADLINE_MS} ms deadline\n`,
    );
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/did not answer in time/);
    // Generous: the acceptance line is deadline + 250 ms, on an idle machine; the figure is printed above.
    expect(ms).toBeLessThan(DEADLINE_MS + 1500);
    expect(sandbox.faults.release()).toBe(1);
  });
});
