import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiTokenEnv, type Sandbox } from '../../src/sandbox/index.js';
import { type CliProcess, startCli } from './cli.js';

export interface VerifiedHttpCli {
  cli: CliProcess;
  /** The server's root URL (`/mcp`, `/healthz` below it). */
  url: string;
}

/**
 * `confluence-mcp http` from dist/ as its own process (so conversions run in the compiled worker), verifying callers
 * with the sandbox's identity provider and acting for all of them with the sandbox's API token; `limits` is the
 * configuration's limits section.
 */
export async function startVerifiedHttpCli(
  sandbox: Sandbox,
  limits: Record<string, unknown> = {},
): Promise<VerifiedHttpCli> {
  const configFile = join(mkdtempSync(join(tmpdir(), 'cmcp-verified-http-')), 'mcp.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      http: { host: '127.0.0.1', port: 0 },
      callerAuth: { issuer: sandbox.idp.issuer, jwksUrl: sandbox.idp.jwksUrl },
      limits,
      log: { level: 'info' },
    }),
  );
  const cli = startCli(['http', '--config', configFile], apiTokenEnv(sandbox));
  const [line] = await cli.waitFor(/^.*"serving MCP over Streamable HTTP".*\n/m, 25_000, 'stderr');
  return { cli, url: (JSON.parse(line) as { listening: string }).listening };
}
