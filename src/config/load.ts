import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ENV_OVERRIDES, SECRET_KEYS } from './env.js';
import { configFileOf } from './inputs.js';
import { type Config, configSchema } from './schema.js';

/** Why the configuration cannot be used; the message names each field, where its value came from, and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export { DEFAULT_CONFIG_PATH } from './inputs.js';

export interface LoadConfigOptions {
  /** A config file; the packaged mcp.config.json when absent. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values that win over file and environment (command-line flags). */
  overrides?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function readJson(file: string): Json {
  let textValue: string;
  try {
    textValue = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `Cannot read the configuration file ${file} (${code ?? (error as Error).message}). Check the --config path.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textValue);
  } catch (error) {
    throw new ConfigError(`The configuration file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`The configuration file ${file} must hold a JSON object.`);
  }
  return parsed as Json;
}

function findSecrets(value: unknown, path: string[] = []): string[] {
  if (!value || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const secret = SECRET_KEYS.find((s) => s.key.test(key));
    if (secret)
      found.push(
        `  - ${[...path, key].join('.')}: secrets are never read from a file; set ${secret.variable}.`,
      );
    else found.push(...findSecrets(child, [...path, key]));
  }
  return found;
}

/** A value as an error message may repeat it: any credentials in a URL (`user:password@`) hidden, and kept short. */
export function shown(value: string): string {
  const hidden = value.replace(/(\/\/)[^/@\s]*@/g, '$1***@');
  return hidden.length > 200 ? `${hidden.slice(0, 200)}...` : hidden;
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1] as string] = value;
}

function describeIssue(issue: z.core.$ZodIssue, sources: Map<string, string>, file: string): string {
  const field = issue.path.length ? issue.path.join('.') : '(top level)';
  const source = sources.get(issue.path.join('.')) ?? file;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field(s) ${issue.keys.join(', ')}: remove them or check the spelling against mcp.config.schema.json`;
  }
  return `  - ${field}: ${message} (from ${source}).`;
}

/**
 * Loads the configuration: the file, then environment overrides, then explicit overrides, validated as a whole.
 * Throws ConfigError naming every bad field.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = configFileOf(options.file, env);
  const raw = readJson(file);
  const secrets = findSecrets(raw);
  if (secrets.length) throw new ConfigError(`Invalid configuration in ${file}:\n${secrets.join('\n')}`);

  const sources = new Map<string, string>();
  for (const { variable, path, parse, secretBearing } of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    setPath(raw, path, parse(value));
    sources.set(
      path.join('.'),
      secretBearing ? `${variable} (value not shown: it may hold a password)` : `${variable}=${shown(value)}`,
    );
  }
  for (const [dotted, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(raw, dotted.split('.'), value);
    sources.set(dotted, 'the command line');
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => describeIssue(issue, sources, file));
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
