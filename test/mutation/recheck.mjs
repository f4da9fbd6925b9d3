#!/usr/bin/env node
// `node test/mutation/recheck.mjs test/mutation/parts/<group>.json src/<file>.ts test/<a>.test.ts [...]`
//
// Checks the survivors a part records for one file, one mutant at a time: writes the mutant into the file as the
// part recorded it, runs the named test files in a fresh vitest, prints "killed" or "SURVIVES", and puts the file
// back. Stryker's vitest runner loads each module once per worker, so a mutant of module-level code (a table of
// constants in a module loaded on demand) is never really active there and is reported as survived whatever the
// tests do; a fresh process per mutant shows what the tests catch.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [part, file, ...tests] = process.argv.slice(2);
if (!part || !file || tests.length === 0) {
  throw new Error('usage: recheck.mjs PART FILE TEST...');
}
const report = JSON.parse(readFileSync(part, 'utf8'));
const recorded = report.files[file];
if (!recorded) throw new Error(`${part} has no results for ${file}`);
const current = readFileSync(file, 'utf8');
const original = recorded.source;
const lines = original.split('\n');
const offset = ({ line, column }) =>
  lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
const mutants = recorded.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
try {
  for (const mutant of mutants) {
    const start = offset(mutant.location.start);
    const end = offset(mutant.location.end);
    writeFileSync(file, original.slice(0, start) + mutant.replacement + original.slice(end));
    const run = spawnSync('npx', ['vitest', 'run', ...tests], { encoding: 'utf8', timeout: 120_000 });
    const verdict = run.error ? 'timed out' : run.status === 0 ? 'SURVIVES' : 'killed';
    const { line, column } = mutant.location.start;
    process.stdout.write(`${file}:${line}:${column} ${mutant.mutatorName} ${verdict}\n`);
  }
} finally {
  writeFileSync(file, current);
}
