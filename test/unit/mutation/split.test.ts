import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report, ReportMutant } from '../../mutation/merge-reports.mjs';
import { carryRechecks, partOf } from '../../mutation/split.mjs';

const at = (line: number): ReportMutant['location'] => ({
  start: { line, column: 1 },
  end: { line, column: 5 },
});
const mutant = (id: string, status: string, over: Partial<ReportMutant> = {}): ReportMutant => ({
  id,
  mutatorName: 'BooleanLiteral',
  replacement: 'false',
  status,
  location: at(Number(id)),
  ...over,
});
const RECHECKED = 'killed in a fresh vitest by test/mutation/recheck.mjs: test/a.test.ts';

function project(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'cmcp-split-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('partOf', () => {
  it('keeps a group’s files and only the test files whose tests cover or kill their mutants', () => {
    const root = project({ 'src/a.ts': 'a', 'src/b.ts': 'b' });
    const report: Report = {
      files: {
        'src/a.ts': {
          source: 'a',
          mutants: [mutant('1', 'Killed', { coveredBy: ['t1'], killedBy: ['t2'] })],
        },
        'src/b.ts': { source: 'b', mutants: [mutant('2', 'Survived', { coveredBy: ['t3'] })] },
      },
      testFiles: {
        'test/one.test.ts': { source: '1', tests: [{ id: 't1', name: 'one' }] },
        'test/two.test.ts': { source: '2', tests: [{ id: 't2', name: 'two' }] },
        'test/three.test.ts': { source: '3', tests: [{ id: 't3', name: 'three' }] },
      },
    };
    const part = partOf(report, ['src/a.ts'], root);
    expect(Object.keys(part.files)).toEqual(['src/a.ts']);
    expect(Object.keys(part.testFiles ?? {})).toEqual(['test/one.test.ts', 'test/two.test.ts']);
  });
});

describe('carryRechecks', () => {
  const previous = (): Report => ({
    files: {
      'src/a.ts': {
        source: 'code',
        mutants: [
          mutant('1', 'Killed', { statusReason: RECHECKED, killedBy: [] }),
          mutant('2', 'Killed', { killedBy: ['t1'] }),
        ],
      },
    },
    testFiles: { 'test/a.test.ts': { source: 'tests', tests: [] } },
  });
  const rerun = (source = 'code'): Report => ({
    files: { 'src/a.ts': { source, mutants: [mutant('1', 'Survived'), mutant('2', 'Survived')] } },
  });
  const disk = (files: Record<string, string>) => (file: string) => files[file];

  it('keeps a recheck verdict while the file and the tests the check ran are unchanged, and only those', () => {
    const part = rerun();
    expect(carryRechecks(previous(), part, disk({ 'src/a.ts': 'code', 'test/a.test.ts': 'tests' }))).toBe(1);
    const [first, second] = part.files['src/a.ts']?.mutants ?? [];
    expect(first).toMatchObject({ status: 'Killed', statusReason: RECHECKED });
    expect(second?.status).toBe('Survived');
  });

  it('drops the verdict when the mutated file or a test file it ran has changed', () => {
    const changedCode = rerun('code v2');
    expect(
      carryRechecks(previous(), changedCode, disk({ 'src/a.ts': 'code v2', 'test/a.test.ts': 'tests' })),
    ).toBe(0);
    const changedTests = rerun();
    expect(
      carryRechecks(previous(), changedTests, disk({ 'src/a.ts': 'code', 'test/a.test.ts': 'tests v2' })),
    ).toBe(0);
    expect(changedTests.files['src/a.ts']?.mutants[0]?.status).toBe('Survived');
  });

  it('drops the verdict for a mutant that moved or changed, even in an unchanged file', () => {
    const part = rerun();
    const moved = part.files['src/a.ts']?.mutants[0] as ReportMutant;
    moved.replacement = 'true';
    expect(carryRechecks(previous(), part, disk({ 'src/a.ts': 'code', 'test/a.test.ts': 'tests' }))).toBe(0);
  });
});
