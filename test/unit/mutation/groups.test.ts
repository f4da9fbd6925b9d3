import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesOf } from '../../mutation/fresh.mjs';
import { groups, guardedFolders } from '../../mutation/groups.mjs';

const root = join(import.meta.dirname, '..', '..', '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe('the mutation groups', () => {
  it('hold every source file of the guarded folders, each in one group only', () => {
    const owners = new Map<string, string[]>();
    for (const [name, patterns] of Object.entries(groups)) {
      for (const file of patterns.flatMap((pattern: string) => filesOf(pattern, root))) {
        owners.set(file, [...(owners.get(file) ?? []), name]);
      }
    }
    for (const folder of guardedFolders) {
      const files = sourceFiles(folder);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files)
        expect({ file, groups: owners.get(file) ?? [] }).toEqual({ file, groups: [expect.any(String)] });
    }
  });

  it('name only files that exist', () => {
    for (const patterns of Object.values(groups)) {
      for (const pattern of patterns) expect(filesOf(pattern, root), pattern).not.toEqual([]);
    }
  });
});
