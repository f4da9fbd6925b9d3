import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateEncryptionKey } from './store/index.js';

/** Where the stdio user's connection lives: $XDG_CONFIG_HOME/confluence-mcp, else ~/.config/confluence-mcp. */
export function localConfigDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'confluence-mcp');
}

/**
 * The stdio user's encryption key text (`kid:base64`), kept in a 0600 file beside their token store when the
 * environment gives none. It keeps tokens unreadable to anything that copies the store file alone (backups, sync);
 * CONFLUENCE_MCP_ENCRYPTION_KEYS is still the stronger choice.
 */
export function localEncryptionKeys(dir: string): string {
  const path = join(dir, 'encryption.key');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const text = generateEncryptionKey();
  try {
    // Exclusive create: never through a link planted where the file goes, never over a key already there (another
    // process may have made it a moment ago: both must then encrypt alike).
    writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) return readFileSync(path, 'utf8').trim();
    throw new Error(`${path} is not a regular file; remove it and start again`);
  }
  chmodSync(path, 0o600);
  return text;
}
