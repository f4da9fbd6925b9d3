import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { configSchema } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { buildRuntime } from '../../src/runtime.js';
import { apiTokenEnv, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startHttpServer } from '../../src/transports/http.js';
import { textOf } from '../support/mcp.js';
import { type Bench, type Figure, figure } from './bench.js';

/** 1 MB of Markdown that markdown-it needs seconds for: unclosed image brackets. */
export const HOSTILE_MARKDOWN = '!['.repeat(500_000);

/** A storage body of about `chars` characters: headings, paragraphs with marks and links, lists and a table. */
export function largeStorage(chars: number): string {
  const block =
    '<h2>Section</h2><p>Some <strong>bold</strong> text with a <a href="https://example.com/x">link</a> and <code>code</code>.</p>' +
    '<ul><li><p>one</p></li><li><p>two</p></li></ul><table><tbody><tr><th><p>a</p></th><th><p>b</p></th></tr><tr><td><p>1</p></td><td><p>2</p></td></tr></tbody></table>';
  return block.repeat(Math.ceil(chars / block.length));
}

/** The largest page bodies the attack reads, in parts, as storage (about 4.9 MB). */
export const BIG_PAGE_CHARS = 4_900_000;

/** Where the attack and the victim's calls go. */
export interface IsolationTarget {
  mcpUrl: string;
  healthUrl: string;
  /** Bearer tokens of two different users. */
  attackerToken: string;
  victimToken: string;
  /** A space key both may create pages in, a small page for the victim, the big page for the attacker. */
  space: string;
  smallPage: string;
  bigPage: string;
}

export interface IsolationFigures {
  /** The victim's confluence_get_page latencies (ms), before the attack and during it. */
  baseline: number[];
  underAttack: number[];
  /** /healthz answers during the attack: latencies (ms) and any status but 200. */
  health: number[];
  healthFailures: number[];
  /** How each of the attacker's calls ended (the model's text, shortened), and how long the attack took. */
  attack: { label: string; outcome: string }[];
  attackMs: number;
  /** Victim calls that failed (should be none). */
  victimErrors: string[];
}

/** The `q` quantile (0..1) of the numbers: the smallest value at or above that share of them. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

async function client(mcpUrl: string, token: string): Promise<Client> {
  const made = new Client({ name: 'isolation', version: '1' });
  await made.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return made;
}

function outcome(result: CallToolResult): string {
  const text = textOf(result).replace(/\s+/g, ' ');
  return `${result.isError ? 'isError: ' : 'ok: '}${text.slice(0, 160)}`;
}

/** A JSON-RPC batch of four creates of hostile Markdown (about 4 MB), as one POST. */
async function hostileBatch(target: IsolationTarget): Promise<string> {
  const batch = Array.from({ length: 4 }, (_, i) => ({
    jsonrpc: '2.0',
    id: i + 1,
    method: 'tools/call',
    params: {
      name: 'confluence_create_page',
      arguments: { space: target.space, title: `Hostile batch ${i}`, body: HOSTILE_MARKDOWN },
    },
  }));
  const response = await fetch(target.mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${target.attackerToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify(batch),
  });
  const text = await response.text();
  const errors = (text.match(/"isError":true/g) ?? []).length;
  return `HTTP ${response.status}, ${errors} of 4 results isError: ${text.replace(/\s+/g, ' ').slice(0, 200)}`;
}

/**
 * Measures the victim's `confluence_get_page` on a small page, first alone (baseline) and then while the attacker
 * runs the adversarial conversions at once: a create with 1 MB of hostile Markdown, a 4 MB JSON-RPC batch of four
 * such creates, and reading the ~4.9 MB page in parts. /healthz is polled during the attack too. Sequential calls,
 * no sleeps: the victim calls again as soon as an answer arrives, until the attack has ended.
 */
export async function measureIsolation(
  target: IsolationTarget,
  options: { baselineCalls?: number; parts?: number } = {},
): Promise<IsolationFigures> {
  const attacker = await client(target.mcpUrl, target.attackerToken);
  const victim = await client(target.mcpUrl, target.victimToken);
  const victimErrors: string[] = [];
  const victimCall = async (into: number[]) => {
    const started = performance.now();
    const result = (await victim.callTool({
      name: 'confluence_get_page',
      arguments: { page: target.smallPage },
    })) as CallToolResult;
    into.push(performance.now() - started);
    if (result.isError) victimErrors.push(textOf(result));
  };
  try {
    const baseline: number[] = [];
    for (let i = 0; i < (options.baselineCalls ?? 100); i++) await victimCall(baseline);

    const attack: { label: string; outcome: string }[] = [];
    const record = (label: string) => (result: string) => attack.push({ label, outcome: result });
    const started = performance.now();
    let done = false;
    const attacking = Promise.all([
      attacker
        .callTool({
          name: 'confluence_create_page',
          arguments: { space: target.space, title: 'Hostile single', body: HOSTILE_MARKDOWN },
        })
        .then((r) => outcome(r as CallToolResult))
        .then(record('create with 1 MB of "!["')),
      hostileBatch(target).then(record('4 MB batch of four such creates')),
      (async () => {
        let offset: number | undefined = 0;
        for (let part = 0; part < (options.parts ?? 3) && offset !== undefined; part++) {
          const result = (await attacker.callTool({
            name: 'confluence_get_page',
            arguments: { page: target.bigPage, offset },
          })) as CallToolResult;
          record(`read the 4.9 MB page, part ${part + 1}`)(outcome(result));
          if (result.isError) break;
          offset = (result.structuredContent as { next_offset?: number } | undefined)?.next_offset;
        }
      })(),
    ]).finally(() => {
      done = true;
    });

    const underAttack: number[] = [];
    const health: number[] = [];
    const healthFailures: number[] = [];
    const victimLoop = (async () => {
      while (!done) await victimCall(underAttack);
    })();
    const healthLoop = (async () => {
      while (!done) {
        const t = performance.now();
        const response = await fetch(target.healthUrl);
        await response.text();
        health.push(performance.now() - t);
        if (response.status !== 200) healthFailures.push(response.status);
      }
    })();
    await Promise.all([attacking, victimLoop, healthLoop]);
    return {
      baseline,
      underAttack,
      health,
      healthFailures,
      attack,
      attackMs: performance.now() - started,
      victimErrors,
    };
  } finally {
    await attacker.close();
    await victim.close();
  }
}

/** A page made directly in the sandbox's ENG space. */
export function sandboxPage(sandbox: Sandbox, title: string, body: string): string {
  const space = sandbox.site.spaceByKey('ENG');
  if (!space) throw new Error('the sandbox has no ENG space');
  return sandbox.site.createPage({
    space,
    title,
    body,
    parentId: undefined,
    status: 'current',
    authorId: sandbox.demoUser.accountId,
  }).id;
}

/** The configuration of a server for two verified users acting with one API token (the sandbox's demo user). */
export function isolationConfig(sandbox: Sandbox, extra: Record<string, unknown> = {}) {
  return configSchema.parse({
    http: { host: '127.0.0.1', port: 0 },
    callerAuth: { issuer: sandbox.idp.issuer, jwksUrl: sandbox.idp.jwksUrl },
    ...extra,
  });
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Prints the figures: the victim's p50/p99 beside the baseline measured in the same run. */
export function describeFigures(figures: IsolationFigures, print: (line: string) => void): void {
  const p99 = quantile(figures.underAttack, 0.99);
  const base99 = quantile(figures.baseline, 0.99);
  print(
    `victim confluence_get_page p99 ${ms(p99)} during the attack (${figures.underAttack.length} calls, p50 ${ms(quantile(figures.underAttack, 0.5))}) vs ${ms(base99)} without it (${figures.baseline.length} calls, p50 ${ms(quantile(figures.baseline, 0.5))}): x${(p99 / base99).toFixed(2)}`,
  );
  print(
    `/healthz during the attack: ${figures.health.length} answers, ${figures.healthFailures.length} not 200, p99 ${ms(quantile(figures.health, 0.99))}, max ${ms(Math.max(...figures.health))}`,
  );
  print(
    `attack took ${(figures.attackMs / 1000).toFixed(1)} s; victim errors: ${figures.victimErrors.length}`,
  );
  for (const { label, outcome } of figures.attack) print(`  ${label}: ${outcome.slice(0, 150)}`);
}

async function benchIsolation(print: (line: string) => void): Promise<readonly Figure[]> {
  const sandbox = await startSandbox();
  const config = isolationConfig(sandbox);
  const http = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log: silentLogger,
    build: (publicUrl) =>
      buildRuntime(config, silentLogger, { mode: 'http', publicUrl, env: apiTokenEnv(sandbox) }),
  });
  try {
    const token = (subject: string) =>
      sandbox.mintCallerToken({ subject, audience: http.mcpUrl, name: subject });
    const figures = await measureIsolation({
      mcpUrl: http.mcpUrl,
      healthUrl: `${http.url}/healthz`,
      attackerToken: await token('attacker'),
      victimToken: await token('victim'),
      space: 'ENG',
      smallPage: sandboxPage(sandbox, 'Isolation small page', '<p>Small page for the victim.</p>'),
      bigPage: sandboxPage(sandbox, 'Isolation big page', largeStorage(BIG_PAGE_CHARS)),
    });
    describeFigures(figures, print);
    const baseline = { name: 'the same call without the attack', value: quantile(figures.baseline, 0.99) };
    return [
      figure({
        figure: "isolation: another user's confluence_get_page p99 during the attack",
        value: quantile(figures.underAttack, 0.99),
        unit: 'ms',
        baseline,
        goal: { text: '< 100 ms (issue 12)', on: 'value', atMost: 100 },
      }),
      figure({
        figure: 'isolation: /healthz slowest answer during the attack',
        value: Math.max(...figures.health),
        unit: 'ms',
        note: `${figures.health.length} answers, ${figures.healthFailures.length} not 200`,
      }),
    ];
  } finally {
    await http.close();
    await sandbox.close();
  }
}

export const isolationBench: Bench = {
  name: 'isolation: one user attacks with adversarial conversions, another reads a small page',
  run: ({ print }) => benchIsolation(print),
};
