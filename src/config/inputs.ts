import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { ENV_OVERRIDES } from './env.js';

// What the configuration is made from, without reading it: the stdio front (src/start) keys the answers it keeps
// on these, before zod or the schema are loaded. load.ts reads the same file and variables.

/** The mcp.config.json shipped with the package: the defaults, and what `--config` replaces. */
export const DEFAULT_CONFIG_PATH = join(PACKAGE_ROOT, 'mcp.config.json');

/** The configuration file a start reads: `--config`, else $CONFLUENCE_MCP_CONFIG, else the package's. */
export function configFileOf(file: string | undefined, env: NodeJS.ProcessEnv): string {
  return file ?? env.CONFLUENCE_MCP_CONFIG ?? DEFAULT_CONFIG_PATH;
}

const PREFIXES = ['CONFLUENCE_', 'ATLASSIAN_'];

/**
 * The environment as far as this server reads it, as sorted name=value lines: the value of every variable that
 * overrides a configuration field, and for every other variable of ours (credentials and anything secret-bearing)
 * only that it is set, so what is derived from this never depends on a secret.
 */
export function configEnvironment(env: NodeJS.ProcessEnv): string[] {
  const overrides = new Map(ENV_OVERRIDES.map((row) => [row.variable, row]));
  return Object.keys(env)
    .filter((name) => PREFIXES.some((prefix) => name.startsWith(prefix)) && env[name] !== undefined)
    .sort()
    .map((name) => {
      const row = overrides.get(name);
      return row && !row.secretBearing ? `${name}=${env[name]}` : `${name} is set`;
    });
}
