#!/usr/bin/env node
// Lists the mutants no test detected, by file, from a Stryker report: `node test/mutation/survivors.mjs [REPORT]`
// (default: test/mutation/incremental.json; a group's file under test/mutation/parts/ works too). Each line is
// `file:line:column  mutator  replacement  status`, the starting point for a test that states the promise the mutant
// breaks, or for the note that explains why it is equivalent.
import { readFileSync } from 'node:fs';
import { score } from './merge-reports.mjs';

const file = process.argv[2] ?? 'test/mutation/incremental.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
for (const [name, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const open = mutants
    .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
    .sort(
      (a, b) =>
        a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
  const judged = mutants.filter((m) =>
    ['Killed', 'Timeout', 'Survived', 'NoCoverage'].includes(m.status),
  ).length;
  if (!judged) continue;
  process.stdout.write(`${name}: ${(100 - (100 * open.length) / judged).toFixed(1)}% of ${judged}\n`);
  for (const m of open) {
    const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
    process.stdout.write(
      `  ${name}:${m.location.start.line}:${m.location.start.column}  ${m.mutatorName}  ${replacement}  ${m.status}\n`,
    );
  }
}
const s = score(report);
process.stdout.write(
  `${file}: ${s.percent.toFixed(2)}% (${s.survived} survived, ${s.noCoverage} without coverage)\n`,
);
