import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Requirement } from './requires.js';

// Some real clients only run on a newer Node than the server supports: the MCP Inspector's CLI (2.x) and the MCP
// conformance suite need 22.19 or later. Tests run them with this binary: the one running the tests when it is new
// enough, else CONFLUENCE_MCP_NODE22 (.ci/run installs Node 22 from the npm registry and points it there).

const MINIMUM = [22, 19] as const;

function versionOf(node: string): number[] | undefined {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  const match = /^v(\d+)\.(\d+)\./.exec(result.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function newEnough(version: readonly number[] | undefined): boolean {
  if (!version) return false;
  const [major = 0, minor = 0] = version;
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

function find(): string | undefined {
  if (newEnough(process.versions.node.split('.').map(Number))) return process.execPath;
  const given = process.env.CONFLUENCE_MCP_NODE22;
  return given && existsSync(given) && newEnough(versionOf(given)) ? given : undefined;
}

/** A Node binary of version 22.19 or later, when there is one. */
export const node22: string | undefined = find();

/** What the suites driving those clients need. */
export const node22Requirement: Requirement = {
  what: `Node ${MINIMUM.join('.')}+ for the Inspector and conformance clients (run the tests on it, or set CONFLUENCE_MCP_NODE22 to its binary)`,
  available: node22 !== undefined,
};
