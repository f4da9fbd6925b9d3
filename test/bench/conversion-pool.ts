import { inlineConverter, markdownToStorage, pooledConverter } from '../../src/content/index.js';
import { type Bench, type Figure, figure, median, table } from './bench.js';
import { largeStorage } from './isolation.js';

const PARAGRAPH =
  'Some **bold** text, a [link](https://example.com), `code`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n';

async function timeAsync(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * Where a worker starts to pay: each conversion on the event loop against the same conversion sent to a warm
 * worker (round trip and copies included), by input size. Below the crossover the round trip costs more than the
 * conversion; above it the worker costs little extra and frees the event loop (limits.conversion.inlineStorageBelowChars). Hostile Markdown shows why
 * Markdown from the model has a much lower bound (inlineMarkdownBelowChars): its cost per character is far higher.
 */
async function benchPool(print: (line: string) => void, quick: boolean): Promise<Figure[]> {
  const inline = inlineConverter();
  const pooled = pooledConverter({
    inlineMarkdownBelowChars: 0,
    inlineStorageBelowChars: 0,
    workers: 1,
    jobTimeoutMs: 60_000,
    jobMemoryMb: 512,
    maxQueue: 4,
  });
  try {
    const rows = [['input', 'chars', 'inline ms', 'worker ms', 'worker overhead ms', 'worker/inline']];
    const figures: Figure[] = [];
    for (const chars of quick ? [1000, 16_000] : [500, 1000, 2000, 8000, 16_000, 32_000, 128_000, 512_000]) {
      const markdown = PARAGRAPH.repeat(Math.ceil(chars / PARAGRAPH.length)).slice(0, chars);
      const storage = largeStorage(chars).slice(0, chars);
      const hostile = '!['.repeat(chars / 2);
      const cases = [
        ['hostile "![" Markdown', () => inline.toStorage(hostile), () => pooled.toStorage(hostile)],
        ['Markdown -> storage', () => inline.toStorage(markdown), () => pooled.toStorage(markdown)],
        ['storage -> Markdown', () => inline.toMarkdown(storage, {}), () => pooled.toMarkdown(storage, {})],
      ] as const;
      for (const [label, onLoop, inWorker] of cases) {
        // Hostile Markdown's cost is clear by 32,000 characters; larger ones would take the bench minutes.
        if (label.startsWith('hostile') && chars > 32_000) continue;
        const runs = chars > 100_000 ? 5 : 20;
        const a = await timeAsync(runs, onLoop);
        const b = await timeAsync(runs, inWorker);
        figures.push(
          figure({
            figure: `conversion pool: ${label}, ${chars} chars, in a warm worker`,
            value: b,
            unit: 'ms',
            baseline: { name: 'on the event loop', value: a },
          }),
        );
        rows.push([
          label,
          String(chars),
          a.toFixed(2),
          b.toFixed(2),
          (b - a).toFixed(2),
          `x${(b / a).toFixed(2)}`,
        ]);
      }
    }
    print(table(rows));
    // The sanity check that both paths convert alike, so the timings compare the same work.
    if ((await pooled.toStorage(PARAGRAPH)) !== markdownToStorage(PARAGRAPH)) throw new Error('paths differ');
    return figures;
  } finally {
    await pooled.close();
  }
}

export const conversionPoolBench: Bench = {
  name: 'conversion pool: event loop vs worker by input size (the inline crossover)',
  run: ({ print, quick }) => benchPool(print, quick),
};
