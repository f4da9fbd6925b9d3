import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

// Where the stdio front keeps its answers, and why there: the answers to initialize and tools/list depend on the
// configuration file, the environment and the command line the client starts us with, which a build cannot know;
// only the package's default configuration is known then, and clients commonly pass --config or set
// CONFLUENCE_MCP_TOOLSETS, CONFLUENCE_MCP_READ_ONLY and the like. So the answers are kept on first start, in the
// user's cache directory, written from what the real SDK server answered, keyed on a fingerprint of every input
// (fingerprint.ts). The file is the user's alone (0600), written whole to a temporary file and renamed, so a
// reader sees an old file or a new one; it holds a few entries of a bounded size, and anything that does not read
// as such is ignored (the server then answers, and the file is written again).

/** What a start of the stdio server answers before any tool runs, for one fingerprint. */
export interface StartAnswers {
  /** The protocol versions the SDK accepts (echoed when asked for) and the one it offers otherwise. */
  protocol: { supported: string[]; latest: string };
  /** The initialize result without its protocolVersion, which depends on the client's request. */
  initialize: Record<string, unknown>;
  /** The tools/list result. */
  toolsList: Record<string, unknown>;
}

interface Entry extends StartAnswers {
  fingerprint: string;
}

const FORMAT = 1;
/** Configurations kept: a user rarely runs more than a couple; the newest written stay. */
const MAX_ENTRIES = 4;
/** A file past this is not ours to parse (an entry is some 20 KB: tools/list is held under 16 KB). */
export const MAX_FILE_BYTES = 512 * 1024;

/** The answers file: $XDG_CACHE_HOME/confluence-mcp, else ~/.cache/confluence-mcp, as the config lives. */
export function answersFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'confluence-mcp', 'stdio-answers.json');
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isEntry(value: unknown): value is Entry {
  if (!isObject(value) || typeof value.fingerprint !== 'string') return false;
  const { protocol, initialize, toolsList } = value;
  return (
    isObject(protocol) &&
    Array.isArray(protocol.supported) &&
    protocol.supported.every((v) => typeof v === 'string') &&
    typeof protocol.latest === 'string' &&
    protocol.supported.includes(protocol.latest) &&
    isObject(initialize) &&
    !('protocolVersion' in initialize) &&
    isObject(toolsList) &&
    Array.isArray(toolsList.tools)
  );
}

/** The file's entries, or none when it is missing, too large, not JSON or not of this format. */
function readEntries(file: string): Entry[] {
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return [];
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isObject(parsed) || parsed.format !== FORMAT || !Array.isArray(parsed.entries)) return [];
    return parsed.entries.every(isEntry) ? parsed.entries.slice(0, MAX_ENTRIES) : [];
  } catch {
    return [];
  }
}

/** The answers kept for a fingerprint, if the file holds them. */
export function readAnswers(file: string, fingerprint: string): StartAnswers | undefined {
  const entry = readEntries(file).find((e) => e.fingerprint === fingerprint);
  return entry && { protocol: entry.protocol, initialize: entry.initialize, toolsList: entry.toolsList };
}

/**
 * Keeps the answers for a fingerprint, first in the file, with the newest of the others up to the bound; an entry
 * that would not fit is not written. Without answers, the fingerprint's entry is removed. Throws when the directory
 * or file cannot be written.
 */
export function writeAnswers(file: string, fingerprint: string, answers: StartAnswers | undefined): void {
  const entries = [
    ...(answers ? [{ fingerprint, ...answers }] : []),
    ...readEntries(file).filter((e) => e.fingerprint !== fingerprint),
  ].slice(0, MAX_ENTRIES);
  let text = JSON.stringify({ format: FORMAT, entries });
  while (Buffer.byteLength(text) > MAX_FILE_BYTES && entries.length > 0) {
    entries.pop();
    text = JSON.stringify({ format: FORMAT, entries });
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
