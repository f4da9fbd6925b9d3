import { join } from 'node:path';
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';
import { PACKAGE_ROOT } from './paths.js';
import { singleUserRuntime } from './runtime.js';
import { type Sandbox, startSandbox } from './sandbox/index.js';
import { startHttpServer } from './transports/http.js';

/** Credentials that work against a running sandbox, as environment variables. */
export function sandboxEnv(sandbox: Sandbox): {
  apiToken: Record<string, string>;
  accessToken: Record<string, string>;
} {
  return {
    apiToken: {
      CONFLUENCE_SITE_URL: sandbox.url,
      ATLASSIAN_EMAIL: sandbox.demoUser.email,
      ATLASSIAN_API_TOKEN: sandbox.demoUser.apiToken ?? '',
    },
    accessToken: {
      ATLASSIAN_ACCESS_TOKEN: sandbox.mintAccessToken(sandbox.demoUser.accountId, undefined, 24 * 3600),
      CONFLUENCE_CLOUD_ID: sandbox.site.cloudId,
      CONFLUENCE_API_BASE_URL: sandbox.url,
    },
  };
}

const env = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `    ${k}=${v}`)
    .join('\n');

/** What `confluence-mcp sandbox` prints: where the fake lives and credentials that work against it. */
export function sandboxBanner(sandbox: Sandbox): string {
  const creds = sandboxEnv(sandbox);
  return `Confluence Cloud sandbox running (site "${sandbox.site.siteTitle}", ${sandbox.site.pages.size} pages).

  Site (API tokens):      ${sandbox.url}/wiki            e.g. ${sandbox.url}/wiki/api/v2/spaces
  Gateway (OAuth tokens): ${sandbox.url}/ex/confluence/${sandbox.site.cloudId}/wiki
  OAuth server:           ${sandbox.url}/authorize, ${sandbox.url}/oauth/token

  As ${sandbox.demoUser.displayName}, with a personal API token:
${env(creds.apiToken)}
  Or with an OAuth access token (all 13 scopes, valid 24 h):
${env(creds.accessToken)}
  OAuth app: client id ${sandbox.client.clientId}, client secret ${sandbox.client.clientSecret}
  Test knobs: POST ${sandbox.url}/__sandbox/faults with header x-sandbox-admin: ${sandbox.adminKey}

Press Ctrl+C to stop.
`;
}

/**
 * The runnable default: the sandbox and an HTTP MCP server wired to it, acting as the sandbox's demo user.
 */
export async function runDemo(config: Config, sandboxPort: number, log: Logger) {
  const sandbox = await startSandbox({
    host: config.http.host,
    port: sandboxPort,
    log: log.child({ component: 'sandbox' }),
  });
  const creds = sandboxEnv(sandbox);
  const auth = {
    type: 'api-token' as const,
    siteUrl: sandbox.url,
    email: sandbox.demoUser.email,
    apiToken: sandbox.demoUser.apiToken ?? '',
  };
  const { tools, runtime } = singleUserRuntime(config, auth, log);
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    http = await startHttpServer({ http: config.http, tools, runtime, log });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
  const stdioConfig = {
    mcpServers: { confluence: { command: 'node', args: [cli, 'stdio'], env: creds.apiToken } },
  };
  const remoteConfig = {
    mcpServers: { confluence: { command: 'npx', args: ['-y', 'mcp-remote', http.mcpUrl] } },
  };
  const banner = `
confluence-mcp is running against a local sandbox of Confluence Cloud (${sandbox.site.pages.size} pages, as ${sandbox.demoUser.displayName}).

  MCP endpoint (Streamable HTTP):  ${http.mcpUrl}
  Sandbox site:                    ${sandbox.url}/wiki

Connect with the MCP Inspector:
  npx @modelcontextprotocol/inspector      then choose "Streamable HTTP" and enter ${http.mcpUrl}
  npx @modelcontextprotocol/inspector --cli ${http.mcpUrl} --transport http --method tools/list

Connect Claude Desktop (claude_desktop_config.json), over stdio against the sandbox:
${JSON.stringify(stdioConfig, null, 2)}
or through the HTTP endpoint:
${JSON.stringify(remoteConfig, null, 2)}

Press Ctrl+C to stop.
`;
  return {
    sandbox,
    http,
    banner,
    close: async () => {
      await http.close();
      await sandbox.close();
    },
  };
}
