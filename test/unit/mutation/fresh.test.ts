import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesOf, staleness, withFilesWithoutMutants } from '../../mutation/fresh.mjs';

function project(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'cmcp-fresh-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('whether committed mutation results are current', () => {
  const root = project({
    'src/a/x.ts': 'x',
    'src/a/deep/y.ts': 'y',
    'src/a/z.md': 'z',
    'src/b.ts': 'b',
    't/x.test.ts': 'tx',
  });
  const report = {
    files: { 'src/a/x.ts': { source: 'x', mutants: [] }, 'src/a/deep/y.ts': { source: 'y', mutants: [] } },
    testFiles: { 't/x.test.ts': { source: 'tx', tests: [] } },
  };

  it('expands a group’s patterns to its files', () => {
    expect(filesOf('src/a/**/*.ts', root)).toEqual(['src/a/deep/y.ts', 'src/a/x.ts']);
    expect(filesOf('src/b.ts', root)).toEqual(['src/b.ts']);
    expect(filesOf('src/none.ts', root)).toEqual([]);
  });

  it('is current when every mutated file and test file reads as recorded', () => {
    expect(staleness(report, ['src/a/**/*.ts'], root)).toEqual([]);
  });

  it('is stale when a mutated file or a test file changed or went, or a file joined a group', () => {
    expect(staleness(report, ['src/a/**/*.ts', 'src/b.ts'], root)).toEqual(['src/b.ts has no results']);
    const changed = { ...report, files: { ...report.files, 'src/a/x.ts': { source: 'old x', mutants: [] } } };
    expect(staleness(changed, ['src/a/**/*.ts'], root)).toEqual(['src/a/x.ts changed']);
    const testGone = {
      ...report,
      testFiles: { ...report.testFiles, 't/gone.test.ts': { source: 'g', tests: [] } },
    };
    expect(staleness(testGone, ['src/a/**/*.ts'], root)).toEqual(['t/gone.test.ts changed']);
    const testChanged = { ...report, testFiles: { 't/x.test.ts': { source: 'tx old', tests: [] } } };
    expect(staleness(testChanged, ['src/a/**/*.ts'], root)).toEqual(['t/x.test.ts changed']);
  });

  it('records the files with nothing to mutate, so they count as seen until they change', () => {
    const withB = withFilesWithoutMutants(report, ['src/a/**/*.ts', 'src/b.ts'], root);
    expect((withB.files as Record<string, unknown>)['src/b.ts']).toEqual({
      language: 'typescript',
      source: 'b',
      mutants: [],
    });
    expect(withB.files['src/a/x.ts']).toBe(report.files['src/a/x.ts']);
    expect(staleness(withB, ['src/a/**/*.ts', 'src/b.ts'], root)).toEqual([]);
  });
});
