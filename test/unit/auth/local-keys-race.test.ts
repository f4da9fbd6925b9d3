import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Two processes started together (Claude Desktop opening two windows) both find no key file; the second to write
// must not replace the first's key, or the tokens the first encrypted could never be read again. The race is made
// certain here: the check for an existing file answers "none" once, after the other process has written it.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  let lied = false;
  return {
    ...fs,
    existsSync: (path: string) => {
      if (!lied && String(path).endsWith('encryption.key')) {
        lied = true;
        return false;
      }
      return fs.existsSync(path);
    },
  };
});

const { localEncryptionKeys } = await import('../../../src/auth/local-keys.js');

describe('local encryption key, made by two processes at once', () => {
  it('is the one the first process wrote, for both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmcp-keys-race-'));
    const path = join(dir, 'encryption.key');
    writeFileSync(path, 'k1:written-by-the-other-process\n', { mode: 0o600 });
    expect(localEncryptionKeys(dir)).toBe('k1:written-by-the-other-process');
    expect(readFileSync(path, 'utf8')).toBe('k1:written-by-the-other-process\n');
  });
});
