import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config/index.js';
import type { Logger } from './log.js';
import { PACKAGE_ROOT } from './paths.js';
import { buildRuntime } from './runtime.js';
// biome-ignore lint/style/noRestrictedImports: the dev command runs the sandbox; cli.ts loads this module on demand.
import { apiTokenEnv, startSandbox } from './sandbox/index.js';
import { startHttpServer } from './transports/index.js';

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
      batch: demoConfig.limits,
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
