import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// biome-ignore lint/style/noRestrictedImports: the config barrel loads zod and the schema, which the front is there to put off; inputs.ts imports neither.
import { configEnvironment, configFileOf } from '../config/inputs.js';
import { PACKAGE, PACKAGE_ROOT } from '../paths.js';

/** Written by scripts/bundle-bin.mjs: a hash of the bundled bin, so a new build never reuses another's answers. */
export const BUILD_ID_FILE = join(PACKAGE_ROOT, 'dist', 'bin', 'build-id');

export interface FingerprintInputs {
  /** The command line after the script (the command, --config, --host, --port). */
  argv: readonly string[];
  /** The --config value, if given. */
  configFile: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Where the running code is, so two installs or the bundle and tsc's output never share answers. */
  entry: string;
}

/**
 * What the answers to initialize and tools/list are a function of, hashed: the build (package name and version, the
 * bundle's hash, Node's version, where the code runs from), the command line, the configuration file's path and
 * bytes, and the environment as configEnvironment() gives it (values of the configuration's variables, only the
 * presence of credentials). The tool list is selected from the configuration (toolsets, read-only, dynamic
 * toolsets) and initialize from the build alone, so equal fingerprints mean equal answers. Undefined when an input
 * cannot be read (no build id, say, when running from source): the front then stays out of the way.
 */
export function startFingerprint(inputs: FingerprintInputs): string | undefined {
  const configFile = configFileOf(inputs.configFile, inputs.env);
  let buildId: string;
  let configBytes: Buffer;
  try {
    buildId = readFileSync(BUILD_ID_FILE, 'utf8').trim();
    configBytes = readFileSync(configFile);
  } catch {
    return undefined;
  }
  if (!buildId) return undefined;
  const hash = createHash('sha256');
  const field = (text: string) => hash.update(`${text.length}:${text}\n`);
  for (const text of [PACKAGE.name, PACKAGE.version, buildId, process.version, inputs.entry]) field(text);
  field(String(inputs.argv.length));
  for (const arg of inputs.argv) field(arg);
  field(configFile);
  field(createHash('sha256').update(configBytes).digest('hex'));
  const environment = configEnvironment(inputs.env);
  field(String(environment.length));
  for (const line of environment) field(line);
  return hash.digest('hex');
}
