import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const text = generateEncryptionKey();
  writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return text;
}
