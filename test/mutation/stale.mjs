#!/usr/bin/env node
// Which groups' committed results an incremental run would not reuse as they are, and why:
// `node test/mutation/stale.mjs`. Exit code 1 when any group is stale. Run it before pushing: CI's
// `npm run test:mutation -- --kept` reruns Stryker for a stale group, which takes far longer than CI allows.
import { existsSync, readFileSync } from 'node:fs';
import { staleness } from './fresh.mjs';
import { groups, partFile } from './groups.mjs';

let stale = 0;
for (const [name, patterns] of Object.entries(groups)) {
  const file = partFile(name);
  if (!existsSync(file)) {
    stale += 1;
    process.stdout.write(`${name}: no results\n`);
    continue;
  }
  const reasons = staleness(JSON.parse(readFileSync(file, 'utf8')), patterns);
  if (reasons.length) stale += 1;
  process.stdout.write(`${name}: ${reasons.length ? `stale (${reasons.join('; ')})` : 'current'}\n`);
}
process.exitCode = stale ? 1 : 0;
