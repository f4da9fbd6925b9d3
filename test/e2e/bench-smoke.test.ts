import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';

// The CI smoke run of `npm run bench`: at --quick sizes every section runs and writes its rows. It says nothing
// about the figures themselves (a busy CI machine makes them meaningless); the README's figures come from a full run.

const run = promisify(execFile);
const RUNNER = join(PACKAGE_ROOT, 'dist', 'test', 'bench', 'run.js');
const work = mkdtempSync(join(tmpdir(), 'cmcp-bench-smoke-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Results {
  quick: boolean;
  machine: { node: string; cpus: number };
  sections: {
    id: string;
    name: string;
    seconds: number;
    figures: {
      figure: string;
      value: number;
      unit: string;
      baseline?: { name: string; value: number };
      ratio?: number;
      goal?: { text: string; on: string };
      meets?: boolean;
    }[];
  }[];
}

/** The section ids the runner lists in its --help. */
async function sectionIds(): Promise<string[]> {
  const { stdout } = await run(process.execPath, [RUNNER, '--help']);
  const listed = /run only these sections: (.+)/.exec(stdout)?.[1] ?? '';
  return listed.split(',').map((id) => id.trim());
}

describe('npm run bench --quick', () => {
  it('runs every section and writes well-formed JSON with each section’s rows', async () => {
    const ids = await sectionIds();
    expect(ids).toEqual(expect.arrayContaining(['startup', 'server', 'memory', 'content']));
    const out = join(work, 'results.json');
    const { stdout } = await run(process.execPath, [RUNNER, '--quick', '--out', out], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    });
    expect(stdout).toContain('== every figure');

    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.quick).toBe(true);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.sections.map((section) => section.id)).toEqual(ids);
    for (const section of results.sections) {
      expect(section.figures.length, `section ${section.id} has rows`).toBeGreaterThan(0);
      for (const row of section.figures) {
        expect(row.figure, section.id).toEqual(expect.any(String));
        expect(Number.isFinite(row.value), `${row.figure}: a finite value`).toBe(true);
        expect(row.unit).toEqual(expect.any(String));
        if (row.baseline) {
          expect(Number.isFinite(row.baseline.value), `${row.figure}: a finite baseline`).toBe(true);
          if (row.baseline.value !== 0)
            expect(Number.isFinite(row.ratio), `${row.figure}: a ratio`).toBe(true);
        }
        if (row.goal) expect(typeof row.meets, `${row.figure}: a verdict on its goal`).toBe('boolean');
      }
    }
    // The table of every figure names each row written.
    for (const row of results.sections.flatMap((section) => section.figures)) {
      expect(stdout).toContain(row.figure);
    }
  }, 600_000);

  it('runs one section with --only, and refuses a section it does not have', async () => {
    const out = join(work, 'only.json');
    await run(process.execPath, [RUNNER, '--quick', '--only', 'startup', '--out', out], { cwd: work });
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.sections.map((section) => section.id)).toEqual(['startup']);
    const refused = await run(process.execPath, [RUNNER, '--only', 'no-such-section'], { cwd: work }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown section no-such-section'),
    });
  }, 120_000);
});
