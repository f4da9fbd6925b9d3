// Splitting one Stryker report over several groups back into the groups' parts, so that several groups can be
// measured in one run (one initial test run of the whole suite instead of one per group) and still keep their
// results apart (see run.mjs, --together).
import { filesOf } from './fresh.mjs';

const RECHECKED = 'killed in a fresh vitest by test/mutation/recheck.mjs: ';

/**
 * The part of `report` that belongs to a group of files: those files' results, and the test files whose tests
 * cover or kill any of their mutants (a test file that covers none of them cannot have changed their results).
 */
export function partOf(report, patterns, root = '.') {
  const files = {};
  const ids = new Set();
  for (const file of patterns.flatMap((p) => filesOf(p, root))) {
    const result = report.files[file];
    if (!result) continue;
    files[file] = result;
    for (const mutant of result.mutants) {
      for (const id of [...(mutant.coveredBy ?? []), ...(mutant.killedBy ?? [])]) ids.add(id);
    }
  }
  const testFiles = {};
  for (const [file, entry] of Object.entries(report.testFiles ?? {})) {
    if (entry.tests.some((test) => ids.has(test.id))) testFiles[file] = entry;
  }
  return { ...report, files, testFiles };
}

/**
 * Carries over into `part` what recheck.mjs recorded in `previous`: a mutant that the fresh-vitest check killed
 * stays killed when the file it mutates and every test file the check ran read exactly as they did then. Stryker
 * itself can never confirm such a mutant (that is why it was rechecked), so without this every run would undo the
 * check. Returns how many verdicts were carried over.
 */
export function carryRechecks(previous, part, readSource) {
  let carried = 0;
  for (const [file, before] of Object.entries(previous.files ?? {})) {
    const now = part.files[file];
    if (!now || before.source !== now.source || readSource(file) !== now.source) continue;
    const key = (m) =>
      `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement}`;
    const rechecked = new Map(
      before.mutants
        .filter(
          (m) => m.statusReason?.startsWith(RECHECKED) && (m.status === 'Killed' || m.status === 'Timeout'),
        )
        .map((m) => [key(m), m]),
    );
    for (const mutant of now.mutants) {
      if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') continue;
      const verdict = rechecked.get(key(mutant));
      if (!verdict) continue;
      const tests = verdict.statusReason.slice(RECHECKED.length).split(' ').filter(Boolean);
      const unchanged = tests.every((test) => {
        const then = previous.testFiles?.[test]?.source;
        return then !== undefined && then === readSource(test);
      });
      if (!unchanged) continue;
      mutant.status = verdict.status;
      mutant.statusReason = verdict.statusReason;
      mutant.killedBy = [];
      carried += 1;
    }
  }
  return carried;
}
