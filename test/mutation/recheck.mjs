#!/usr/bin/env node
// `node test/mutation/recheck.mjs [--write] test/mutation/parts/<group>.json src/<file>.ts test/<a>.test.ts [...]`
//
// Checks the survivors a part records for one file, one mutant at a time: writes the mutant into the file as the
// part recorded it, runs the named test files in a fresh vitest, prints "killed" or "SURVIVES", and puts the file
// back. Stryker's vitest runner loads each module once per worker, so a mutant of module-level code (a table of
// constants in a module loaded on demand) is never really active there and is reported as survived whatever the
// tests do; a fresh process per mutant shows what the tests catch. The same holds for code that runs in a test
// file's beforeAll (a store opened once for the file): the mutant is switched on only while each test runs.
//
// With --write, a mutant the named tests kill is recorded as Killed in the part, its reason naming this check and
// the tests, so the score `npm run test:mutation -- --kept` reports counts it. Only for a part whose recorded source
// is the file as it is now; a later Stryker run of the group measures afresh.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const write = args.includes('--write');
const [part, file, ...tests] = args.filter((arg) => arg !== '--write');
if (!part || !file || tests.length === 0) {
  throw new Error('usage: recheck.mjs [--write] PART FILE TEST...');
}
const report = JSON.parse(readFileSync(part, 'utf8'));
const recorded = report.files[file];
if (!recorded) throw new Error(`${part} has no results for ${file}`);
const current = readFileSync(file, 'utf8');
const original = recorded.source;
const lines = original.split('\n');
const offset = ({ line, column }) =>
  lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
if (write && current !== original) {
  throw new Error(`${file} changed since ${part} was measured: run the group again before --write`);
}
const mutants = recorded.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
// Stopped halfway (Ctrl-C, a killed job), the file must still get its own text back.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    writeFileSync(file, current);
    process.exit(1);
  });
}
const runTests = () => spawnSync('npx', ['vitest', 'run', ...tests], { encoding: 'utf8', timeout: 120_000 });
// The tests must pass on the file as it is, or every mutant would look killed.
const baseline = runTests();
if (baseline.error || baseline.status !== 0) {
  throw new Error(`the tests fail without any mutant:\n${baseline.stdout.slice(-2000)}`);
}
try {
  for (const mutant of mutants) {
    const start = offset(mutant.location.start);
    const end = offset(mutant.location.end);
    writeFileSync(file, original.slice(0, start) + mutant.replacement + original.slice(end));
    const run = runTests();
    const verdict = run.error ? 'timed out' : run.status === 0 ? 'SURVIVES' : 'killed';
    const { line, column } = mutant.location.start;
    process.stdout.write(`${file}:${line}:${column} ${mutant.mutatorName} ${verdict}\n`);
    if (write && verdict !== 'SURVIVES') {
      // A mutant that makes the tests hang is caught as surely as one that makes them fail (Stryker's Timeout).
      mutant.status = verdict === 'killed' ? 'Killed' : 'Timeout';
      mutant.statusReason = `killed in a fresh vitest by test/mutation/recheck.mjs: ${tests.join(' ')}`;
      mutant.killedBy = [];
      // Saved after each mutant, so a stopped check keeps what it found.
      writeFileSync(part, `${JSON.stringify(report, null, 2)}\n`);
    }
  }
} finally {
  writeFileSync(file, current);
}
