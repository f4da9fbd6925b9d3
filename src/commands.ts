import { getHeapStatistics } from 'node:v8';
import { generateEncryptionKey, LOCAL_CALLER } from './auth/index.js';
import { parseCommandLine } from './command-line.js';
import { type Config, ConfigError, configJsonSchema, loadConfig } from './config/index.js';
import { createLogger, type Logger } from './log.js';
import { PACKAGE } from './paths.js';
import { listening, PORT_REMEDY, PortInUseError } from './port-in-use.js';
import { buildRuntime } from './runtime.js';
import {
  HEAP_ENV,
  keepHeapBecause,
  RUNNING_HEAP_FLAGS,
  SERVER_HEAP_FLAGS,
  thisProcess,
  tunedWhileRunning,
} from './start/heap.js';
import type { StdioFront } from './start/index.js';
import { isLoopback, runStdio, startHttpServer, startLoopbackConnectServer } from './transports/index.js';

const USAGE = `confluence-mcp ${PACKAGE.version}: an MCP server for Confluence Cloud

Usage:
  confluence-mcp [stdio]            serve MCP on stdin/stdout (Claude Desktop)
  confluence-mcp http [--port N]    serve MCP over Streamable HTTP at /mcp
  confluence-mcp dev [--port N]     start the local sandbox and an HTTP server wired to it (try it here)
  confluence-mcp sandbox [--port N] start only the sandbox: a local fake of Confluence Cloud and Atlassian OAuth
  confluence-mcp login              connect your Atlassian account for stdio use (OAuth; opens a local callback)
  confluence-mcp logout             forget that connection
  confluence-mcp gen-key            print a new key for CONFLUENCE_MCP_ENCRYPTION_KEYS
  confluence-mcp config-schema      print the JSON Schema of mcp.config.json

Options:
  --config FILE   configuration file (default: the package's mcp.config.json)
  --host HOST     interface to listen on (http, dev, sandbox)
  --port N        port to listen on (http, dev, sandbox; 0 picks a free one)
  --sandbox-port N  port of the sandbox started by dev (default 3001)
  -h, --help      this help;  -v, --version  the version

Credentials (stdio and http, one user) come from the environment:
  CONFLUENCE_SITE_URL + ATLASSIAN_EMAIL + ATLASSIAN_API_TOKEN   a personal API token
  ATLASSIAN_ACCESS_TOKEN + CONFLUENCE_CLOUD_ID                   an OAuth access token
`;

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new ConfigError(`${flag} must be a port number (0-65535).`);
  return Number(value);
}

/** The bearer token `/metrics` asks for; unset turns metrics off, and a short one is refused as guessable. */
function metricsTokenFrom(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.CONFLUENCE_MCP_METRICS_TOKEN;
  if (!token) return undefined;
  if (token.length < 16) {
    throw new ConfigError(
      'CONFLUENCE_MCP_METRICS_TOKEN must be at least 16 characters (it is the only thing between /metrics and anyone); make one with: confluence-mcp gen-key',
    );
  }
  return token;
}

/** Which heap the HTTP server runs in, and why when it is Node's default (src/start/heap.ts). */
function logHeap(log: Logger): void {
  const limitMiB = Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
  if (process.env[HEAP_ENV] === 'tuned')
    log.info('heap sized for a server', { limitMiB, flags: SERVER_HEAP_FLAGS, pid: process.pid });
  else if (tunedWhileRunning(thisProcess('http')))
    log.info('heap tuned while running', { limitMiB, flags: RUNNING_HEAP_FLAGS, pid: process.pid });
  else
    log.info('heap as Node sized it', {
      limitMiB,
      why: keepHeapBecause(thisProcess('http')),
      pid: process.pid,
    });
}

/** Stops on SIGINT/SIGTERM after running `close`. */

function onShutdown(log: Logger, close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info('shutting down', { signal });
    close().finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function main(argv: string[], front: StdioFront | undefined): Promise<void> {
  const { values, positionals, command } = parseCommandLine(argv);
  if (values.help) return void process.stdout.write(USAGE);
  if (values.version) return void process.stdout.write(`${PACKAGE.version}\n`);
  if (positionals.length > 1) throw new ConfigError(`Unexpected argument "${positionals[1]}". See --help.`);
  if (command === 'config-schema') {
    return void process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  }
  if (command === 'gen-key') return void process.stdout.write(`${generateEncryptionKey()}\n`);

  // For `sandbox`, --port is the sandbox's own port, not the MCP server's.
  const overrides: Record<string, unknown> = {
    'http.host': values.host,
    'http.port': command === 'sandbox' ? undefined : parsePort(values.port, '--port'),
  };
  const config: Config = loadConfig({ file: values.config, overrides });
  const log = createLogger(config.log.level, { service: PACKAGE.name });

  switch (command) {
    case 'stdio': {
      const rt = await buildRuntime(config, log, { mode: 'stdio' });
      const loopback = rt.flow
        ? await startLoopbackConnectServer(rt.flow, config.connect.loopbackPort, log)
        : undefined;
      await runStdio(rt.server, log, front);
      await loopback?.close();
      await rt.close();
      return;
    }
    case 'http': {
      if (!isLoopback(config.http.host) && !config.callerAuth.issuer) {
        throw new ConfigError(
          `Listening on ${config.http.host} reaches beyond this machine, so callers must be verified: set callerAuth.issuer (and callerAuth.jwksUrl), or listen on 127.0.0.1.`,
        );
      }
      const metricsToken = metricsTokenFrom(process.env);
      const running = await listening(
        () =>
          startHttpServer({
            http: config.http,
            batch: config.limits,
            log,
            build: (publicUrl) => buildRuntime(config, log, { mode: 'http', publicUrl }),
            metricsToken,
          }),
        'the MCP server',
        PORT_REMEDY.http,
      );
      onShutdown(log, async () => {
        await running.shutdown(config.limits.shutdownGraceMs);
      });
      logHeap(log);
      return;
    }
    case 'login': {
      const rt = await buildRuntime(config, log, { mode: 'stdio' });
      if (!rt.flow) {
        throw new ConfigError(
          'login needs an Atlassian OAuth app: set atlassian.clientId in the configuration and ATLASSIAN_CLIENT_SECRET in the environment.',
        );
      }
      const flow = rt.flow;
      // A link now would be dead a moment later (the callback stores over the connection): say what is so instead.
      if (await flow.connected(LOCAL_CALLER)) {
        const already = await rt.sessions.describe(LOCAL_CALLER);
        await rt.close();
        const sites = (already.sites ?? []).map((s) => s.url).join(', ');
        process.stdout.write(
          `Already connected${already.account?.name ? ` as ${already.account.name}` : ''}${sites ? ` to ${sites}` : ''}. To connect again or as someone else, run confluence-mcp logout first, then confluence-mcp login.\n`,
        );
        return;
      }
      const loopback = await listening(
        () => startLoopbackConnectServer(flow, config.connect.loopbackPort, log, { required: true }),
        'the login callback',
        PORT_REMEDY.loopback(config.atlassian.callbackPath),
      ).catch(async (error: unknown) => {
        await rt.close();
        throw error;
      });
      const link = await flow.createLink(LOCAL_CALLER);
      process.stdout.write(
        `Open this link in your browser to connect your Atlassian account:\n\n  ${link}\n\nWaiting...\n`,
      );
      const deadline = Date.now() + config.connect.linkTtlSeconds * 1000 + 60_000;
      // Polling only reads: a store that is briefly busy must not end the login the browser is finishing.
      const connected = () =>
        flow.connected(LOCAL_CALLER).catch((error: unknown) => {
          log.warn('could not read the connection yet', { error: (error as Error).message });
          return false;
        });
      let done = await connected();
      while (!done && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        done = await connected();
      }
      const description = done ? await rt.sessions.describe(LOCAL_CALLER) : undefined;
      await loopback?.close();
      await rt.close();
      if (!description?.connected)
        throw new ConfigError('No connection was made before the link expired. Run login again.');
      const sites = (description.sites ?? []).map((s) => s.url).join(', ');
      process.stdout.write(
        `Connected${description.account?.name ? ` as ${description.account.name}` : ''} to ${sites}.\n`,
      );
      return;
    }
    case 'logout': {
      const rt = await buildRuntime(config, log, { mode: 'stdio' });
      const removed = await rt.sessions.disconnect(LOCAL_CALLER);
      await rt.close();
      process.stdout.write(
        removed ? 'Disconnected: the stored Atlassian tokens were deleted.\n' : 'There was no connection.\n',
      );
      return;
    }
    case 'sandbox': {
      // The sandbox is a fake for trying the server out: the product loads it only for this command and `dev`.
      // biome-ignore lint/style/noRestrictedImports: loaded on demand, for the sandbox command only.
      const { sandboxBanner, startSandbox } = await import('./sandbox/index.js');
      const sandbox = await listening(
        () =>
          startSandbox({
            host: config.http.host,
            port: parsePort(values.port, '--port') ?? 3001,
            appRedirectUris: callbackUrls(config),
            log,
          }),
        'the sandbox',
        PORT_REMEDY.sandbox,
      );
      process.stdout.write(sandboxBanner(sandbox));
      onShutdown(log, sandbox.close);
      return;
    }
    case 'dev': {
      const sandboxPort = parsePort(values['sandbox-port'], '--sandbox-port') ?? 3001;
      const { runDemo } = await import('./demo.js');
      const demo = await runDemo(config, sandboxPort, log);
      process.stdout.write(demo.banner);
      onShutdown(log, demo.close);
      return;
    }
    default:
      throw new ConfigError(`Unknown command "${command}". See --help.`);
  }
}

/**
 * The callback URLs this configuration's servers use, which the sandbox registers with its printed OAuth app so
 * `login` and `http` work against it as they are: the HTTP server's (at its public URL, or where it listens, and
 * as localhost) and the stdio login's loopback callback.
 */
function callbackUrls(config: Config): string[] {
  const path = config.atlassian.callbackPath;
  const port = config.http.port;
  const origins = new Set([
    `http://127.0.0.1:${config.connect.loopbackPort}`,
    ...(config.http.publicUrl ? [config.http.publicUrl.replace(/\/$/, '')] : []),
    `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`,
    `http://localhost:${port}`,
  ]);
  return [...origins].map((origin) => `${origin}${path}`);
}

/**
 * Runs the command the arguments name and exits as a command line should: 2 for a configuration to fix, 1 for a
 * port in use or a failure. `front` is the stdio front the bin opened, which the stdio command hands over to.
 */
export function runCommand(argv: string[], front?: StdioFront): void {
  main(argv, front).catch(exitOnError);
}

function exitOnError(error: unknown): void {
  if (error instanceof ConfigError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`confluence-mcp: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (error instanceof PortInUseError) {
    process.stderr.write(`confluence-mcp: ${error.message}\n`);
    process.exit(1);
  }
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    process.stderr.write(
      `confluence-mcp: ${(error as Error).message}: the port is taken; choose another with --port.\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`confluence-mcp: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
