import { configSchema } from '../../src/config/schema.js';
import type { ConfluenceAuth } from '../../src/confluence/auth.js';
import { silentLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startHttpServer } from '../../src/transports/http.js';
import { mcpClient } from './oauth-server.js';

/** The gateway credential of a sandbox token with these scopes (every granular scope when absent). */
export function gatewayAuth(
  sandbox: Sandbox,
  scopes?: readonly string[],
  accountId = sandbox.demoUser.accountId,
): ConfluenceAuth {
  const token = sandbox.mintAccessToken(accountId, scopes, 3600);
  return { type: 'oauth', apiBaseUrl: sandbox.url, cloudId: sandbox.site.cloudId, accessToken: () => token };
}

/**
 * The HTTP transport in this process, acting with one credential against the sandbox, and a real MCP client
 * talking to it over HTTP: both legs are real HTTP.
 */
export async function startToolServer(auth: ConfluenceAuth, config: Record<string, unknown> = {}) {
  const parsed = configSchema.parse({ http: { port: 0 }, ...config });
  const http = await startHttpServer({
    http: parsed.http,
    batch: parsed.limits,
    log: silentLogger,
    build: () => staticRuntime(parsed, auth, silentLogger),
  });
  const session = await mcpClient(http.mcpUrl, 'unused');
  return {
    ...session,
    /** Where the server listens, for `/healthz`. */
    url: http.url,
    close: async () => {
      await session.close();
      await http.close();
    },
  };
}
