#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { credentialFromEnv } from './config/credentials.js';
import { ConfigError, loadConfig } from './config/load.js';
import { type Config, configJsonSchema } from './config/schema.js';
import { runDemo, sandboxBanner } from './demo.js';
import { createLogger, type Logger } from './log.js';
import { PACKAGE } from './paths.js';
import { singleUserRuntime } from './runtime.js';
import { startSandbox } from './sandbox/index.js';
import { startHttpServer } from './transports/http.js';
import { runStdio } from './transports/stdio.js';

const USAGE = `confluence-mcp ${PACKAGE.version}: an MCP server for Confluence Cloud

Usage:
  confluence-mcp [stdio]            serve MCP on stdin/stdout (Claude Desktop)
  confluence-mcp http [--port N]    serve MCP over Streamable HTTP at /mcp
  confluence-mcp dev [--port N]     start the local sandbox and an HTTP server wired to it (try it here)
  confluence-mcp sandbox [--port N] start only the sandbox: a local fake of Confluence Cloud and Atlassian OAuth
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

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'sandbox-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  if (values.version) return void process.stdout.write(`${PACKAGE.version}\n`);
  const command = positionals[0] ?? 'stdio';
  if (positionals.length > 1) throw new ConfigError(`Unexpected argument "${positionals[1]}". See --help.`);
  if (command === 'config-schema')
    return void process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);

  const overrides: Record<string, unknown> = {
    'http.host': values.host,
    'http.port': parsePort(values.port, '--port'),
  };
  const config: Config = loadConfig({ file: values.config, overrides });
  const log = createLogger(config.log.level, { service: PACKAGE.name });

  switch (command) {
    case 'stdio': {
      const auth = credentialFromEnv(process.env, config.atlassian.apiBaseUrl);
      if (!auth)
        log.warn('no Confluence credentials in the environment: tool calls will say how to set them');
      const { tools, runtime } = singleUserRuntime(config, auth, log);
      await runStdio(tools, runtime, log);
      return;
    }
    case 'http': {
      const auth = credentialFromEnv(process.env, config.atlassian.apiBaseUrl);
      const { tools, runtime } = singleUserRuntime(config, auth, log);
      const running = await startHttpServer({ http: config.http, tools, runtime, log });
      onShutdown(log, running.close);
      return;
    }
    case 'sandbox': {
      const sandbox = await startSandbox({
        host: config.http.host,
        port: parsePort(values.port, '--port') ?? 3001,
        log,
      });
      process.stdout.write(sandboxBanner(sandbox));
      onShutdown(log, sandbox.close);
      return;
    }
    case 'dev': {
      const sandboxPort = parsePort(values['sandbox-port'], '--sandbox-port') ?? 3001;
      const demo = await runDemo(config, sandboxPort, log);
      process.stdout.write(demo.banner);
      onShutdown(log, demo.close);
      return;
    }
    default:
      throw new ConfigError(`Unknown command "${command}". See --help.`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`confluence-mcp: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    process.stderr.write(
      `confluence-mcp: ${(error as Error).message}: the port is taken; choose another with --port.\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`confluence-mcp: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
