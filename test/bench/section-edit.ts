import {
  inlineConverter,
  locateSection,
  markdownToStorage,
  preservationCheck,
  replaceSection,
} from '../../src/content/index.js';
import { type Bench, type Figure, figure, median } from './bench.js';
import { largeStorage } from './isolation.js';

function time(runs: number, work: () => unknown): number {
  work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * The section-edit job (content/convert/section-edit.ts) on a large page, on the event loop, against the steps the
 * tool ran before it became one job (locateSection, preservationCheck, replaceSection: the page parsed three
 * times). Its cost is what a large page's edit spends in a worker, against the 3 s budget
 * (limits.conversion.jobTimeoutMs).
 */
async function benchSectionEdit(print: (line: string) => void, quick: boolean): Promise<readonly Figure[]> {
  const half = largeStorage(quick ? 100_000 : 2_000_000);
  const storage = `${half}<h2>Target</h2><p>Old target body.</p>${half}`;
  const body = 'New **target** body.';
  const edit = { storage, heading: 'Target', body, bodyFormat: 'markdown', mode: 'replace' } as const;
  const convert = inlineConverter();
  let jobResult: unknown;
  let formerResult: unknown;
  const runs = quick ? 3 : 7;
  const former = time(runs, () => {
    locateSection(storage, { heading: 'Target' });
    preservationCheck(storage);
    formerResult = replaceSection(storage, 'Target', markdownToStorage(body), 'replace');
  });
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    jobResult = await convert.editSection(edit);
    if (i > 0) samples.push(performance.now() - started);
  }
  // Both paths give the same page, so the timings compare the same work.
  if ((jobResult as { storage?: string }).storage !== (formerResult as { storage?: string }).storage) {
    throw new Error('the section-edit job and the former steps differ');
  }
  const job = median(samples);
  print(
    `section edit of a ${(storage.length / 1e6).toFixed(1)} MB page: job ${job.toFixed(0)} ms, former steps ${former.toFixed(0)} ms (median of ${runs})`,
  );
  return [
    figure({
      figure: `section-edit job on a ${(storage.length / 1e6).toFixed(1)} MB page (event loop)`,
      value: job,
      unit: 'ms',
      baseline: { name: 'locateSection + preservationCheck + replaceSection', value: former },
    }),
  ];
}

export const sectionEditBench: Bench = {
  name: 'section-edit: one section of a large page changed, as one job vs the former steps',
  run: ({ print, quick }) => benchSectionEdit(print, quick),
};
