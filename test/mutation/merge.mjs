#!/usr/bin/env node
// Merges Stryker incremental files into one: `node test/mutation/merge.mjs OUT IN...`.
//
// A full run of every mutant in stryker.config.mjs takes hours on two cores, longer than one sitting, and Stryker
// (9.x) writes its incremental file only when a run ends. So the mutants are run a group of files at a time
// (`npx stryker run --mutate <files> --incrementalFile test/mutation/parts/<group>.json`), and the groups' files
// are merged here into test/mutation/incremental.json, which `npm run test:mutation` then reads: it re-runs only what
// changed since. Each group's file holds the files it mutated and every test file; a later file overrides an earlier
// one's results for the same source file. Where the groups saw different versions of a test file, the oldest is
// kept: Stryker then sees that test as changed and runs its mutants again, rather than trusting a result the
// current test never produced.
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  process.stderr.write('usage: node test/mutation/merge.mjs OUT IN...\n');
  process.exit(2);
}

let merged;
for (const input of inputs) {
  const report = JSON.parse(readFileSync(input, 'utf8'));
  if (typeof report.files !== 'object' || report.files === null)
    throw new Error(`${input}: not a Stryker report`);
  if (!merged) {
    merged = { ...report, files: { ...report.files }, testFiles: { ...(report.testFiles ?? {}) } };
    continue;
  }
  Object.assign(merged.files, report.files);
  for (const [file, tests] of Object.entries(report.testFiles ?? {})) {
    const kept = merged.testFiles[file];
    if (!kept) {
      merged.testFiles[file] = tests;
      continue;
    }
    // The first version seen stays (the oldest, when the groups are given in the order they ran), with the tests of
    // the others added, so every test id a mutant names is still defined.
    const ids = new Set(kept.tests.map((t) => t.id));
    kept.tests = [...kept.tests, ...tests.tests.filter((t) => !ids.has(t.id))];
  }
}
writeFileSync(out, `${JSON.stringify(merged)}\n`);
const mutants = Object.values(merged.files).flatMap((f) => f.mutants);
const count = (status) => mutants.filter((m) => m.status === status).length;
const detected = count('Killed') + count('Timeout');
const valid = detected + count('Survived') + count('NoCoverage');
process.stdout.write(
  `${out}: ${Object.keys(merged.files).length} files, ${mutants.length} mutants, score ${((100 * detected) / valid).toFixed(2)}% (${count('Survived')} survived, ${count('NoCoverage')} without coverage)\n`,
);
