import { describe, expect, it } from 'vitest';
import { mergeReports, type Report, type ReportMutant, score } from '../../mutation/merge-reports.mjs';

const at = { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };
const mutant = (id: string, status: string, killedBy: string[], coveredBy = killedBy): ReportMutant => ({
  id,
  mutatorName: 'ConditionalExpression',
  replacement: 'true',
  status,
  killedBy,
  coveredBy,
  location: at,
});

/** The names of the tests a mutant's ids stand for in a report. */
function names(report: Report, ids: string[] | undefined) {
  const byId = new Map(
    Object.values(report.testFiles ?? {}).flatMap(({ tests }) => tests.map((t) => [t.id, t.name] as const)),
  );
  return (ids ?? []).map((id) => byId.get(id));
}

describe('merging the groups’ mutation results', () => {
  // Two groups' runs numbered their tests independently: "0" is a different test in each.
  const guards: Report = {
    files: { 'src/a.ts': { mutants: [mutant('1', 'Killed', ['0'], ['0', '1'])] } },
    testFiles: {
      't/a.test.ts': { source: 'A1', tests: [{ id: '0', name: 'a refuses' }] },
      't/b.test.ts': { source: 'B1', tests: [{ id: '1', name: 'b allows' }] },
    },
  };
  const transports: Report = {
    files: { 'src/b.ts': { mutants: [mutant('1', 'Killed', ['0'], ['0'])] } },
    testFiles: {
      't/b.test.ts': { source: 'B1', tests: [{ id: '0', name: 'b allows' }] },
      't/a.test.ts': { source: 'A1', tests: [{ id: '5', name: 'a refuses' }] },
    },
  };

  // The transports group's run, against an earlier version of b.test.ts.
  const older: Report = {
    ...transports,
    testFiles: { 't/b.test.ts': { source: 'B0', tests: [{ id: '0', name: 'b allows' }] } },
  };

  it('keeps each mutant killed by the test that killed it, though the groups used the same ids for other tests', () => {
    const merged = mergeReports([guards, transports]);
    const a = merged.files['src/a.ts']?.mutants[0];
    const b = merged.files['src/b.ts']?.mutants[0];
    expect(names(merged, a?.killedBy)).toEqual(['a refuses']);
    expect(names(merged, a?.coveredBy)).toEqual(['a refuses', 'b allows']);
    expect(names(merged, b?.killedBy)).toEqual(['b allows']);
  });

  it('lists each test once, with one id, whichever groups ran it', () => {
    const merged = mergeReports([guards, transports]);
    const tests = Object.values(merged.testFiles ?? {}).flatMap((f) => f.tests);
    expect(tests.map((t) => t.name).sort()).toEqual(['a refuses', 'b allows']);
    expect(new Set(tests.map((t) => t.id)).size).toBe(2);
  });

  it('drops what a group saw in another version of a test file, so its mutants run again', () => {
    // The guards group ran against the version on disk now, so that version is kept and the other group's kill by
    // a test it saw in B0 no longer counts.
    const merged = mergeReports([older, guards], (file) => (file === 't/b.test.ts' ? 'B1' : 'A1'));
    expect(merged.testFiles?.['t/b.test.ts']?.source).toBe('B1');
    expect(merged.files['src/b.ts']?.mutants[0]?.killedBy).toEqual([]);
    expect(names(merged, merged.files['src/a.ts']?.mutants[0]?.killedBy)).toEqual(['a refuses']);
  });

  it('keeps the first group’s version when none saw the file as it is now', () => {
    const merged = mergeReports([older, guards], () => 'B2');
    expect(merged.testFiles?.['t/b.test.ts']?.source).toBe('B0');
    expect(names(merged, merged.files['src/b.ts']?.mutants[0]?.killedBy)).toEqual(['b allows']);
    const a = merged.files['src/a.ts']?.mutants[0];
    expect(names(merged, a?.killedBy)).toEqual(['a refuses']);
    expect(names(merged, a?.coveredBy)).toEqual(['a refuses']);
  });

  it('refuses what is not a report, and scores as Stryker does', () => {
    expect(() => mergeReports([])).toThrow(/nothing to merge/);
    expect(() => mergeReports([{} as Report])).toThrow(/not a Stryker report/);
    const merged = mergeReports([
      {
        files: {
          'src/c.ts': {
            mutants: [
              mutant('1', 'Killed', []),
              mutant('2', 'Timeout', []),
              mutant('3', 'Survived', []),
              mutant('4', 'NoCoverage', []),
              mutant('5', 'Ignored', []),
            ],
          },
        },
      },
    ]);
    expect(score(merged)).toEqual({ files: 1, mutants: 5, survived: 1, noCoverage: 1, percent: 50 });
  });
});
