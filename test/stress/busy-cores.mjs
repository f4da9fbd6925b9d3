#!/usr/bin/env node
// Runs the whole suite (`npm test`) several times in a row while every core is kept busy, to show that no test
// depends on timing luck. Usage:
//
//   npm run test:stress -- [--runs 5] [--node /path/to/node] [--busy N] [--log-dir DIR]
//
// --runs     how many times to run the suite (default 5)
// --node     the Node binary to run the suite with (default: the one running this script); its directory goes first
//            on PATH, so npm, tsc, biome, vitest and every process the tests spawn use it
// --busy     how many busy-loop workers to start (default: one per core)
// --log-dir  where each run's output goes (default: a new temporary directory)
//
// Each run's outcome, duration and vitest's test counts are printed; the exit code is 1 if any run failed.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    node: { type: 'string', default: process.execPath },
    busy: { type: 'string', default: String(availableParallelism()) },
    'log-dir': { type: 'string' },
  },
});
const runs = Number(values.runs);
const busy = Number(values.busy);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
if (!Number.isInteger(busy) || busy < 0) throw new Error('--busy must be a whole number');
const node = resolve(values.node);
const logDir = values['log-dir'] ? resolve(values['log-dir']) : mkdtempSync(join(tmpdir(), 'cmcp-stress-'));
mkdirSync(logDir, { recursive: true });
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
const say = (line) => process.stdout.write(`${line}\n`);

const version = spawnSync(node, ['--version'], { encoding: 'utf8' });
if (version.status !== 0) throw new Error(`cannot run ${node}`);
// What the suite's processes will actually find on PATH, which is what matters.
const found = spawnSync('node', ['--version'], { encoding: 'utf8', env }).stdout.trim();
say(`suite on Node ${found} (${node}), ${busy} busy worker(s), ${runs} run(s); logs in ${logDir}`);

// Busy loops in their own processes, at normal priority, for the whole time the suite runs.
const workers = Array.from({ length: busy }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
let suite;
const stopWorkers = () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
};
process.on('exit', stopWorkers);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopWorkers();
    // The suite runs in its own process group: stop it with everything it started.
    if (suite?.exitCode === null) process.kill(-suite.pid, 'SIGTERM');
    process.exit(130);
  });
}

/** Vitest's summary lines ("Test Files ...", "Tests ..."), without colour codes. */
function summary(output) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes is the point
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const files = /^\s*Test Files\s+(.+)$/m.exec(plain)?.[1]?.trim();
  const tests = /^\s*Tests\s+(.+)$/m.exec(plain)?.[1]?.trim();
  return { files: files ?? '?', tests: tests ?? '?' };
}

function runSuite(index) {
  return new Promise((done) => {
    const log = join(logDir, `run-${index}.log`);
    const out = createWriteStream(log);
    const started = performance.now();
    const child = spawn('npm', ['test'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    suite = child;
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        out.write(chunk);
      });
    }
    child.on('close', (code) => {
      out.end();
      const seconds = (performance.now() - started) / 1000;
      done({ index, ok: code === 0, code, seconds, log, ...summary(output) });
    });
  });
}

const results = [];
for (let i = 1; i <= runs; i++) {
  const result = await runSuite(i);
  results.push(result);
  say(
    `run ${i}/${runs}: ${result.ok ? 'passed' : `FAILED (exit ${result.code})`} in ${result.seconds.toFixed(0)} s; ` +
      `files: ${result.files}; tests: ${result.tests}; log: ${result.log}`,
  );
}
stopWorkers();
const failed = results.filter((r) => !r.ok);
say(`${runs - failed.length} of ${runs} runs passed on Node ${found} with ${busy} busy worker(s)`);
process.exitCode = failed.length ? 1 : 0;
