#!/usr/bin/env node
// `npm run test:mutation -- [GROUP...] [--kept]`: runs Stryker over each group of test/mutation/groups.mjs in turn,
// incrementally (only mutants whose code or covering tests changed since that group's last run are run again), then
// merges the groups' results into test/mutation/incremental.json. With --kept, only the groups that already have
// results run (CI: a group enters CI once its first full run is committed). Exits 1 if any group scores under the
// threshold in stryker.config.mjs or fails to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { groups, partFile } from './groups.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { kept: { type: 'boolean' } } });
for (const name of positionals) {
  if (!(name in groups)) throw new Error(`no group ${name}; the groups: ${Object.keys(groups).join(', ')}`);
}
const chosen = (positionals.length ? positionals : Object.keys(groups)).filter(
  (name) => !values.kept || existsSync(join(root, partFile(name))),
);

const failed = [];
for (const name of chosen) {
  process.stdout.write(`\nmutation testing: group ${name} (${groups[name].join(', ')})\n`);
  const run = spawnSync(
    'npx',
    ['stryker', 'run', '--mutate', groups[name].join(','), '--incrementalFile', partFile(name)],
    { cwd: root, stdio: 'inherit' },
  );
  if (run.status !== 0) failed.push(name);
}

const parts = Object.keys(groups)
  .map((name) => partFile(name))
  .filter((file) => existsSync(join(root, file)));
if (parts.length) {
  spawnSync(process.execPath, ['test/mutation/merge.mjs', 'test/mutation/incremental.json', ...parts], {
    cwd: root,
    stdio: 'inherit',
  });
}
const skipped = Object.keys(groups).filter((name) => !chosen.includes(name));
if (skipped.length)
  process.stdout.write(`mutation testing: not run (no results kept yet): ${skipped.join(', ')}\n`);
if (failed.length) {
  process.stdout.write(`mutation testing: under the threshold or failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
