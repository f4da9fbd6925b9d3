#!/usr/bin/env node
// Lists the mutants no test detected, by file, from a Stryker report:
//
//   node test/mutation/survivors.mjs [REPORT] [--unjudged] [--check]
//
// REPORT defaults to test/mutation/incremental.json; a group's file under test/mutation/parts/ works too. Each line
// is `file:line:column  mutator  replacement  status`, followed by why the mutant is judged equivalent or harmless
// when test/mutation/judged/*.json says so (keyed by `file:line:column mutator replacement`, as printed). A survivor
// without a judgement is the starting point for a test that states the promise the mutant breaks.
// --unjudged  lists only survivors without a judgement
// --check     exits 1 when any survivor has no judgement
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { score } from './merge-reports.mjs';

const { values, positionals } = parseArgs({
  options: { unjudged: { type: 'boolean' }, check: { type: 'boolean' } },
  allowPositionals: true,
});
const file = positionals[0] ?? 'test/mutation/incremental.json';
const report = JSON.parse(readFileSync(file, 'utf8'));

/** Every judgement, by key; a key judged twice is an error (two reasons for one mutant). */
function loadJudged(dir = join(dirname(fileURLToPath(import.meta.url)), 'judged')) {
  const judged = new Map();
  if (!existsSync(dir)) return judged;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    for (const [key, reason] of Object.entries(JSON.parse(readFileSync(join(dir, name), 'utf8')))) {
      if (judged.has(key)) throw new Error(`${key} is judged twice (again in ${name})`);
      judged.set(key, reason);
    }
  }
  return judged;
}

/** The key a mutant is judged under. */
const keyOf = (name, m) =>
  `${name}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`;

const judged = loadJudged();
let open = 0;
let unjudged = 0;
for (const [name, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const left = mutants
    .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
    .sort(
      (a, b) =>
        a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
  const counted = mutants.filter((m) =>
    ['Killed', 'Timeout', 'Survived', 'NoCoverage'].includes(m.status),
  ).length;
  if (!counted) continue;
  const lines = [];
  for (const m of left) {
    open += 1;
    const reason = judged.get(keyOf(name, m));
    if (reason === undefined) unjudged += 1;
    if (values.unjudged && reason !== undefined) continue;
    const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
    lines.push(
      `  ${name}:${m.location.start.line}:${m.location.start.column}  ${m.mutatorName}  ${replacement}  ${m.status}` +
        (reason === undefined ? '  [not judged]' : `\n      judged: ${reason}`),
    );
  }
  if (values.unjudged && !lines.length) continue;
  process.stdout.write(`${name}: ${(100 - (100 * left.length) / counted).toFixed(1)}% of ${counted}\n`);
  for (const line of lines) process.stdout.write(`${line}\n`);
}
const s = score(report);
process.stdout.write(
  `${file}: ${s.percent.toFixed(2)}% (${s.survived} survived, ${s.noCoverage} without coverage; ` +
    `${open - unjudged} of ${open} judged equivalent or harmless, ${unjudged} not judged)\n`,
);
if (values.check && unjudged) process.exitCode = 1;
