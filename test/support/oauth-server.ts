import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type CliProcess, startCli } from './cli.js';

export interface OAuthServerOptions {
  /** The URL users and the OAuth redirect use (a fleet shares one); this server's own URL when absent. */
  publicUrl?: string;
  storeUrl?: string;
  namespace?: string;
  encryptionKeys: string;
  refreshSkewSeconds?: number;
  scopes?: string[];
  clientId: string;
  clientSecret: string;
  /** `connect.browserLogin`: people sign in at this issuer before connecting. */
  browserLogin?: { issuer: string; clientId: string };
  /** The `tools` section of the configuration (space bounds, read-only, ...). */
  tools?: Record<string, unknown>;
  /** The `limits` section of the configuration. */
  limits?: Record<string, unknown>;
  /** More environment (CONFLUENCE_MCP_METRICS_TOKEN...). */
  env?: Record<string, string>;
}

export interface OAuthServer {
  cli: CliProcess;
  /** Where this instance listens (on a port the OS chose). */
  url: string;
  publicUrl: string;
  mcpUrl: string;
  stop(): Promise<void>;
}

/** Registers an OAuth app with the sandbox for these redirect URIs. */
export function registerApp(
  sandbox: Sandbox,
  clientId: string,
  clientSecret: string,
  publicUrls: string[],
): void {
  sandbox.oauth.registerClient({
    clientId,
    clientSecret,
    redirectUris: publicUrls.map((u) => `${u}/integration-callback`),
  });
}

/**
 * Starts `confluence-mcp http` as its own process, with per-user OAuth against the sandbox, on a port the OS chooses
 * (read back from its start-up log line). Register the OAuth app for its publicUrl once it has started.
 */
export async function startOAuthServer(sandbox: Sandbox, options: OAuthServerOptions): Promise<OAuthServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cmcp-e2e-'));
  const configFile = join(dir, 'mcp.config.json');
  const { publicUrl: givenPublicUrl } = options;
  writeFileSync(
    configFile,
    JSON.stringify({
      // Without a public URL the server takes its own, and the callers' audience defaults to {publicUrl}/mcp.
      http: { host: '127.0.0.1', port: 0, ...(givenPublicUrl ? { publicUrl: givenPublicUrl } : {}) },
      atlassian: {
        authBaseUrl: sandbox.url,
        apiBaseUrl: sandbox.url,
        clientId: options.clientId,
        ...(options.scopes ? { scopes: options.scopes } : {}),
      },
      callerAuth: {
        issuer: sandbox.idp.issuer,
        jwksUrl: sandbox.idp.jwksUrl,
        ...(givenPublicUrl ? { audience: `${givenPublicUrl}/mcp` } : {}),
      },
      connect: {
        refreshSkewSeconds: options.refreshSkewSeconds ?? 60,
        ...(options.browserLogin ? { browserLogin: options.browserLogin } : {}),
      },
      tokenStore: { url: options.storeUrl ?? 'memory://', namespace: options.namespace ?? 'cmcp' },
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      log: { level: 'info' },
    }),
  );
  const cli = startCli(['http', '--config', configFile], {
    ATLASSIAN_CLIENT_SECRET: options.clientSecret,
    CONFLUENCE_MCP_ENCRYPTION_KEYS: options.encryptionKeys,
    ...options.env,
  });
  let url: string;
  try {
    // The whole line, up to its newline: a line still arriving would not parse.
    const [line] = await cli.waitFor(/^.*"serving MCP over Streamable HTTP".*\n/m, 25_000, 'stderr');
    url = (JSON.parse(line) as { listening: string }).listening;
  } catch (error) {
    await cli.stop();
    throw error;
  }
  const publicUrl = givenPublicUrl ?? url;
  return { cli, url, publicUrl, mcpUrl: `${url}/mcp`, stop: () => cli.stop() };
}

/** A real MCP client for one caller (bearer token), optionally declaring capabilities. */
export async function mcpClient(mcpUrl: string, token: string, capabilities: ClientCapabilities = {}) {
  const client = new Client({ name: 'e2e-user', version: '1.0.0' }, { capabilities });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return {
    client,
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}
