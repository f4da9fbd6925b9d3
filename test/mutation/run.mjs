#!/usr/bin/env node
// `npm run test:mutation -- [GROUP...] [--kept | --together] [--force] [--concurrency N]`
//
// With groups named (or none, meaning all): runs Stryker over each group of test/mutation/groups.mjs in turn,
// incrementally (only mutants whose code or covering tests changed since that group's last run are run again), each
// into test/mutation/parts/<group>.json, then merges the groups' results into test/mutation/incremental.json.
//
// With --together: runs Stryker once over the named groups (or all), against their parts merged, and splits the
// results back into each group's part (split.mjs). One initial test run instead of one per group: the right way to
// re-measure several groups after adding tests. Verdicts recheck.mjs recorded stand while their file and tests are
// unchanged.
//
// With --kept (CI): merges the groups that already have results. When every file they mutated and every test file
// they ran reads as recorded (fresh.mjs), the recorded results stand and their score is checked; otherwise Stryker
// runs once over all their files against the merged results: one initial test run (minutes here) instead of one per
// group, re-running only the mutants whose code or covering tests changed.
//
// Exits 1 if a run scores under the threshold in stryker.config.mjs or fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import config from '../../stryker.config.mjs';
import { staleness, withFilesWithoutMutants } from './fresh.mjs';
import { groups, partFile } from './groups.mjs';
import { mergeReports, score } from './merge-reports.mjs';
import { carryRechecks, partOf } from './split.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const merged = 'test/mutation/incremental.json';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kept: { type: 'boolean' },
    together: { type: 'boolean' },
    force: { type: 'boolean' },
    concurrency: { type: 'string' },
  },
});
for (const name of positionals) {
  if (!(name in groups)) throw new Error(`no group ${name}; the groups: ${Object.keys(groups).join(', ')}`);
}
const withResults = Object.keys(groups).filter((name) => existsSync(join(root, partFile(name))));
const extra = [
  ...(values.concurrency ? ['--concurrency', values.concurrency] : []),
  // Every mutant again, not only those whose code or covering tests changed. Stryker credits module-level code (a
  // table of constants) to the test that first loaded the module, so a new test of that table leaves the old
  // results standing; --force records what it catches.
  ...(values.force ? ['--force'] : []),
];

function stryker(files, incrementalFile) {
  return spawnSync(
    'npx',
    ['stryker', 'run', '--mutate', files.join(','), '--incrementalFile', incrementalFile, ...extra],
    {
      cwd: root,
      stdio: 'inherit',
    },
  ).status;
}

function merge() {
  if (!withResults.length) return;
  spawnSync(process.execPath, ['test/mutation/merge.mjs', merged, ...withResults.map(partFile)], {
    cwd: root,
    stdio: 'inherit',
  });
}

const failed = [];
let chosen;
if (values.kept) {
  chosen = positionals.length ? positionals.filter((name) => withResults.includes(name)) : withResults;
  if (chosen.length) {
    merge();
    const patterns = chosen.flatMap((name) => groups[name]);
    const report = JSON.parse(readFileSync(join(root, merged), 'utf8'));
    const changed = staleness(report, patterns, root);
    if (changed.length === 0) {
      // Every mutated file and test file reads as the results recorded it: a run would reuse every result.
      process.stdout.write(
        `\nmutation testing: groups ${chosen.join(', ')}: the committed results are current\n`,
      );
      spawnSync(process.execPath, ['test/mutation/survivors.mjs', merged], { cwd: root, stdio: 'inherit' });
      if (score(report).percent < config.thresholds.break) failed.push(...chosen);
    } else {
      const shown =
        changed.slice(0, 5).join('; ') + (changed.length > 5 ? ` and ${changed.length - 5} more` : '');
      process.stdout.write(
        `\nmutation testing: groups ${chosen.join(', ')}, in one run against ${merged}, since ${shown}\n`,
      );
      if (stryker(patterns, merged) !== 0) failed.push(...chosen);
    }
  }
} else if (values.together) {
  chosen = positionals.length ? positionals : Object.keys(groups);
  const read = (file) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : undefined);
  const previous = Object.fromEntries(
    chosen
      .filter((name) => withResults.includes(name))
      .map((name) => [name, JSON.parse(read(partFile(name)))]),
  );
  const together = 'reports/mutation/together.json';
  mkdirSync(join(root, 'reports/mutation'), { recursive: true });
  if (Object.keys(previous).length) {
    writeFileSync(join(root, together), `${JSON.stringify(mergeReports(Object.values(previous), read))}\n`);
  }
  process.stdout.write(`\nmutation testing: groups ${chosen.join(', ')}, in one run\n`);
  if (
    stryker(
      chosen.flatMap((name) => groups[name]),
      together,
    ) !== 0
  )
    failed.push(...chosen);
  if (existsSync(join(root, together))) {
    const report = JSON.parse(read(together));
    for (const name of chosen) {
      const part = withFilesWithoutMutants(partOf(report, groups[name], root), groups[name], root);
      const carried = previous[name] ? carryRechecks(previous[name], part, read) : 0;
      writeFileSync(join(root, partFile(name)), `${JSON.stringify(part, null, 2)}\n`);
      const s = score(part);
      process.stdout.write(
        `mutation testing: ${name}: ${s.percent.toFixed(2)}% (${s.survived} survived, ${s.noCoverage} without coverage` +
          `${carried ? `; ${carried} kept as recheck.mjs found them` : ''})\n`,
      );
      if (!withResults.includes(name)) withResults.push(name);
    }
  }
  merge();
} else {
  chosen = positionals.length ? positionals : Object.keys(groups);
  for (const name of chosen) {
    process.stdout.write(`\nmutation testing: group ${name} (${groups[name].join(', ')})\n`);
    if (stryker(groups[name], partFile(name)) !== 0) failed.push(name);
    const part = join(root, partFile(name));
    if (existsSync(part)) {
      const report = withFilesWithoutMutants(JSON.parse(readFileSync(part, 'utf8')), groups[name], root);
      writeFileSync(part, `${JSON.stringify(report, null, 2)}\n`);
    }
    if (!withResults.includes(name) && existsSync(join(root, partFile(name)))) withResults.push(name);
  }
  merge();
}

const skipped = Object.keys(groups).filter((name) => !chosen.includes(name));
if (skipped.length) process.stdout.write(`mutation testing: not run: ${skipped.join(', ')}\n`);
if (failed.length) {
  process.stdout.write(`mutation testing: under the threshold or failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
