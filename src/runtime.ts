import type { AnyToolDefinition } from '../tools/define.js';
import type { ToolRuntime } from '../tools/registry.js';
import { type ConnectionResolver, staticConnection } from './auth/connection.js';
import type { Config } from './config/schema.js';
import type { ConfluenceAuth } from './confluence/auth.js';
import type { Logger } from './log.js';
import { PACKAGE } from './paths.js';
import { configuredTools } from './server.js';

/** The user agent sent to Atlassian, so their logs can tell this app's traffic apart. */
export const USER_AGENT = `${PACKAGE.name}/${PACKAGE.version} (node ${process.versions.node})`;

/** Everything a transport needs to serve tools: which tools, and how each call reaches Confluence. */
export interface ServerRuntime {
  tools: AnyToolDefinition[];
  runtime: ToolRuntime;
}

/** Wires configuration, a connection resolver and a logger into what the transports serve. */
export function buildRuntime(config: Config, connections: ConnectionResolver, log: Logger): ServerRuntime {
  return {
    tools: configuredTools(config),
    runtime: {
      clientFor: (extra) => connections.clientFor(undefined, extra.signal),
      limits: config.limits,
      log,
    },
  };
}

/** A runtime acting with one credential for every call (stdio, single-user HTTP, the demo). */
export function singleUserRuntime(
  config: Config,
  auth: ConfluenceAuth | undefined,
  log: Logger,
  fetchImpl?: typeof fetch,
): ServerRuntime {
  const connections = staticConnection(auth, {
    timeoutMs: config.limits.requestTimeoutMs,
    userAgent: USER_AGENT,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return buildRuntime(config, connections, log);
}
