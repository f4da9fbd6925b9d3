#!/usr/bin/env node
// Merges Stryker incremental files into one: `node test/mutation/merge.mjs OUT IN...`.
//
// A full run of every mutant in stryker.config.mjs takes hours on two cores, longer than one sitting, and Stryker
// (9.x) writes its incremental file only when a run ends. So the mutants are run a group of files at a time
// (`npm run test:mutation -- GROUP`, each group's results in test/mutation/parts/<group>.json), and the groups' files
// are merged here into test/mutation/incremental.json, which `npm run test:mutation -- --kept` (CI) reads in one run
// over every group with results: it re-runs only what changed since. merge-reports.mjs says how tests are matched.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mergeReports, score } from './merge-reports.mjs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  process.stderr.write('usage: node test/mutation/merge.mjs OUT IN...\n');
  process.exit(2);
}

const reports = inputs.map((input) => JSON.parse(readFileSync(input, 'utf8')));
const merged = mergeReports(reports, (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined));
writeFileSync(out, `${JSON.stringify(merged)}\n`);
const s = score(merged);
process.stdout.write(
  `${out}: ${s.files} files, ${s.mutants} mutants, score ${s.percent.toFixed(2)}% (${s.survived} survived, ${s.noCoverage} without coverage)\n`,
);
