import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { HOSTILE_MARKDOWN, largeStorage, sandboxPage } from '../bench/isolation.js';
import type { CliProcess } from '../support/cli.js';
import { textOf } from '../support/mcp.js';
import { startVerifiedHttpCli } from '../support/verified-http.js';

// `confluence-mcp http` as its own process (dist/, so section edits of large pages run in the compiled conversion
// worker), two verified callers acting with one API token against the sandbox in this process: real HTTP on both
// legs. One user edits a section of a ~4 MB page with hostile Markdown; the other reads a small page meanwhile.
const CALL_DEADLINE_MS = 4500;

let sandbox: Sandbox;
let cli: CliProcess;
let url: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  ({ cli, url } = await startVerifiedHttpCli(sandbox, { callDeadlineMs: CALL_DEADLINE_MS }));
});

afterAll(async () => {
  await cli?.stop();
  await sandbox?.close();
});

async function connect(subject: string): Promise<Client> {
  const mcpUrl = `${url}/mcp`;
  const token = await sandbox.mintCallerToken({ subject, audience: mcpUrl, name: subject });
  const client = new Client({ name: 'section-isolation', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** The conversion pool's clear error for an edit it stopped (budget) or that ran out of the call's time. */
const STOPPED =
  /^Changing this section (was stopped: The conversion needed more than its|did not finish within this call's time).*Nothing was changed/;

describe('isolation of section edits between users', () => {
  it("keeps another user's reads and /healthz answering while one user edits a section of a 4 MB page with hostile Markdown", async () => {
    // About 4 MB of storage with one "Target" section in the middle (an h2 like the others, so it ends at the next).
    const half = largeStorage(2_000_000);
    const target = '<h2>Target</h2><p>Old target body.</p>';
    const original = half + target + half;
    const bigPage = sandboxPage(sandbox, 'Section isolation big page', original);
    const smallPage = sandboxPage(
      sandbox,
      'Section isolation small page',
      '<p>Small page for the victim.</p>',
    );
    const latest = () => sandbox.site.pages.get(bigPage)?.versions.at(-1);

    const attacker = await connect('mallory');
    const victim = await connect('victor');
    try {
      const edit = async (body: string) => {
        const started = performance.now();
        const result = (await attacker.callTool({
          name: 'confluence_update_page_section',
          arguments: { page: bigPage, heading: 'Target', body },
        })) as CallToolResult;
        return { result, ms: performance.now() - started, version: latest()?.number };
      };

      let done = false;
      const attacking = (async () => {
        const hostile = await edit(HOSTILE_MARKDOWN);
        const benign = await edit('New **target** body.');
        return { hostile, benign };
      })().finally(() => {
        done = true;
      });

      // The victim calls again as soon as each answer arrives, and /healthz is polled, until the edits have ended.
      const reads: number[] = [];
      const readErrors: string[] = [];
      const victimLoop = (async () => {
        while (!done) {
          const started = performance.now();
          const result = (await victim.callTool({
            name: 'confluence_get_page',
            arguments: { page: smallPage },
          })) as CallToolResult;
          reads.push(performance.now() - started);
          if (result.isError) readErrors.push(textOf(result));
          else expect(textOf(result)).toContain('Small page for the victim.');
        }
      })();
      const health: number[] = [];
      const healthFailures: number[] = [];
      const healthLoop = (async () => {
        while (!done) {
          const started = performance.now();
          const response = await fetch(`${url}/healthz`);
          await response.text();
          health.push(performance.now() - started);
          if (response.status !== 200) healthFailures.push(response.status);
        }
      })();
      const [{ hostile, benign }] = await Promise.all([attacking, victimLoop, healthLoop]);
      process.stderr.write(
        `section edits: hostile ${hostile.ms.toFixed(0)} ms (${textOf(hostile.result).slice(0, 90)}), benign ${benign.ms.toFixed(0)} ms (${textOf(benign.result).slice(0, 60)}); victim ${reads.length} reads, slowest ${Math.max(...reads).toFixed(0)} ms; /healthz ${health.length} answers, slowest ${Math.max(...health).toFixed(0)} ms\n`,
      );

      // The hostile edit ends in the clear error within the call's deadline (generous slack for a busy machine),
      // and changes nothing.
      expect(hostile.result.isError).toBe(true);
      expect(textOf(hostile.result)).toMatch(STOPPED);
      expect(hostile.ms).toBeLessThan(CALL_DEADLINE_MS + 5000);
      expect(hostile.version).toBe(1);
      // A harmless edit of the same large page runs in a worker too: it succeeds and touches nothing else, or (on
      // a machine too busy to finish it in time) ends in the same clear error and changes nothing.
      expect(benign.ms).toBeLessThan(CALL_DEADLINE_MS + 5000);
      if (benign.result.isError) {
        expect(textOf(benign.result)).toMatch(STOPPED);
        expect(benign.version).toBe(1);
      } else {
        expect(textOf(benign.result)).toMatch(/^Replaced the section "Target"/);
        expect(latest()?.body).toBe(`${half}<h2>Target</h2><p>New <strong>target</strong> body.</p>${half}`);
      }

      // The other user kept reading throughout, and no answer waited for the edits: an answer queued behind a
      // conversion on the main thread would take about as long as the edit itself. The bound is a quarter of the
      // edits' own time, measured under the same load, not a wall-clock figure a busy machine can miss.
      const attackMs = hostile.ms + benign.ms;
      expect(readErrors).toEqual([]);
      expect(reads.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...reads)).toBeLessThan(attackMs / 4);
      expect(health.length).toBeGreaterThanOrEqual(3);
      expect(healthFailures).toEqual([]);
      expect(Math.max(...health)).toBeLessThan(attackMs / 4);
    } finally {
      await attacker.close();
      await victim.close();
    }
  }, 120_000);
});
