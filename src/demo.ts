import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';
import { PACKAGE_ROOT } from './paths.js';
import { buildRuntime } from './runtime.js';
import { type Sandbox, startSandbox } from './sandbox/index.js';
import { startHttpServer } from './transports/http.js';

/** The sandbox demo user's personal API token, as the environment variables stdio reads. */
function apiTokenEnv(sandbox: Sandbox): Record<string, string> {
  return {
    CONFLUENCE_SITE_URL: sandbox.url,
    ATLASSIAN_EMAIL: sandbox.demoUser.email,
    ATLASSIAN_API_TOKEN: sandbox.demoUser.apiToken ?? '',
  };
}

/** A fresh 24-hour gateway access token with every scope, as environment variables. */
function accessTokenEnv(sandbox: Sandbox): Record<string, string> {
  return {
    ATLASSIAN_ACCESS_TOKEN: sandbox.mintAccessToken(sandbox.demoUser.accountId, undefined, 24 * 3600),
    CONFLUENCE_CLOUD_ID: sandbox.site.cloudId,
    CONFLUENCE_API_BASE_URL: sandbox.url,
  };
}

const env = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `    ${k}=${v}`)
    .join('\n');

/** What `confluence-mcp sandbox` prints: where the fake lives and credentials that work against it. */
export function sandboxBanner(sandbox: Sandbox): string {
  return `Confluence Cloud sandbox running (site "${sandbox.site.siteTitle}", ${sandbox.site.pages.size} pages).

  Site (API tokens):      ${sandbox.url}/wiki            e.g. ${sandbox.url}/wiki/api/v2/spaces
  Gateway (OAuth tokens): ${sandbox.url}/ex/confluence/${sandbox.site.cloudId}/wiki
  OAuth server:           ${sandbox.url}/authorize, ${sandbox.url}/oauth/token
  Caller identity (IdP):  issuer ${sandbox.idp.issuer}, JWKS ${sandbox.idp.jwksUrl}

  As ${sandbox.demoUser.displayName}, with a personal API token:
${env(apiTokenEnv(sandbox))}
  Or with an OAuth access token (all 13 scopes, valid 24 h):
${env(accessTokenEnv(sandbox))}
  OAuth app: client id ${sandbox.client.clientId}, client secret ${sandbox.client.clientSecret}
  Test knobs: POST ${sandbox.url}/__sandbox/faults with header x-sandbox-admin: ${sandbox.adminKey}

Press Ctrl+C to stop.
`;
}

/**
 * The Inspector's current releases need Node 22.19 or later; on an older Node, npx quietly picks an old release that
 * lacks --header, so the printed command would fail. Say so instead.
 */
function inspectorNote(version = process.versions.node): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const fits = major > 22 || (major === 22 && minor >= 19);
  return fits
    ? ''
    : ` (it needs Node 22.19 or later; this is Node ${version}, so run these with a newer Node)`;
}

/**
 * The runnable default: the sandbox, playing both Confluence Cloud (with Atlassian's OAuth server) and the callers'
 * identity provider, and an HTTP MCP server wired to it with per-user OAuth and the in-memory token store.
 */
export async function runDemo(config: Config, sandboxPort: number, log: Logger) {
  const sandbox = await startSandbox({
    host: config.http.host,
    port: sandboxPort,
    log: log.child({ component: 'sandbox' }),
  });
  const client = { clientId: 'confluence-mcp-dev', clientSecret: randomBytes(24).toString('base64url') };
  const demoConfig: Config = {
    ...config,
    atlassian: {
      ...config.atlassian,
      authBaseUrl: sandbox.url,
      apiBaseUrl: sandbox.url,
      clientId: client.clientId,
    },
    callerAuth: { ...config.callerAuth, issuer: sandbox.idp.issuer, jwksUrl: sandbox.idp.jwksUrl },
    tokenStore: { ...config.tokenStore, url: 'memory://' },
  };
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    http = await startHttpServer({
      http: demoConfig.http,
      log,
      build: (publicUrl) => {
        sandbox.oauth.registerClient({
          ...client,
          redirectUris: [`${publicUrl}${demoConfig.atlassian.callbackPath}`],
        });
        return buildRuntime(demoConfig, log, {
          mode: 'http',
          publicUrl,
          env: { ATLASSIAN_CLIENT_SECRET: client.clientSecret },
        });
      },
    });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const callerToken = await sandbox.mintCallerToken({
    subject: 'demo-user',
    audience: http.mcpUrl,
    name: 'Demo user',
    email: 'demo-user@example.test',
    expiresInSeconds: 24 * 3600,
  });
  const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
  const stdioConfig = {
    mcpServers: { confluence: { command: 'node', args: [cli, 'stdio'], env: apiTokenEnv(sandbox) } },
  };
  const remoteConfig = {
    mcpServers: {
      confluence: {
        command: 'npx',
        args: ['-y', 'mcp-remote', http.mcpUrl, '--header', `Authorization: Bearer ${callerToken}`],
      },
    },
  };
  const banner = `
confluence-mcp is running against a local sandbox of Confluence Cloud (${sandbox.site.pages.size} pages).

  MCP endpoint (Streamable HTTP):  ${http.mcpUrl}
  Sandbox site:                    ${sandbox.url}/wiki

Every MCP request needs a bearer token from the sandbox's identity provider. One for "Demo user", valid 24 h:

  Authorization: Bearer ${callerToken}

The first tool call answers with a link to connect an Atlassian account: open it, continue, and approve on the
sandbox's consent page (pick any account; ${sandbox.demoUser.displayName} sees the most).

Connect with the MCP Inspector${inspectorNote()}:
  npx @modelcontextprotocol/inspector      then choose "Streamable HTTP", enter ${http.mcpUrl}
                                           and add the Authorization header above
  npx @modelcontextprotocol/inspector --cli ${http.mcpUrl} --transport http --header "Authorization: Bearer ${callerToken}" --method tools/list

Connect Claude Desktop (claude_desktop_config.json), through the HTTP endpoint:
${JSON.stringify(remoteConfig, null, 2)}
or over stdio, with the sandbox's personal API token:
${JSON.stringify(stdioConfig, null, 2)}

Press Ctrl+C to stop.
`;
  return {
    sandbox,
    http,
    callerToken,
    banner,
    close: async () => {
      await http.close();
      await sandbox.close();
    },
  };
}
