/** What a section is given: whether to run at smoke size, and where to print what it wants to say beside its rows. */
export interface BenchOptions {
  /** Small sizes (CI smoke, `--quick`): the run shows that the section works, not what it measures. */
  readonly quick: boolean;
  print(line: string): void;
}

/**
 * A benchmark section `run.ts` runs (`--only <id>`, the id being the name up to its colon). It prints what it likes
 * and returns its figures; a section that returns nothing is printed only. It asserts nothing about time.
 */
export interface Bench {
  readonly name: string;
  run(
    options: BenchOptions,
  ): Promise<readonly Figure[] | undefined> | Promise<void> | readonly Figure[] | undefined;
}

/** A target from issue 14's table: met when `value` (or the ratio) is at most, or at least, `limit`. */
export interface Goal {
  readonly text: string;
  readonly on: 'value' | 'ratio';
  readonly atMost?: number;
  readonly atLeast?: number;
}

/** One row of the results: a figure, the baseline measured in the same run, their ratio and the goal. */
export interface Figure {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  /** value / baseline.value, when there is a baseline. */
  readonly ratio?: number;
  readonly goal?: Goal;
  /** Whether the goal is met; absent when the figure has no goal. */
  readonly meets?: boolean;
  readonly note?: string;
}

/** A figure with its ratio and verdict computed from the parts. */
export function figure(parts: {
  figure: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  goal?: Goal;
  note?: string;
}): Figure {
  const { baseline, goal } = parts;
  const ratio = baseline && baseline.value !== 0 ? parts.value / baseline.value : undefined;
  let meets: boolean | undefined;
  if (goal) {
    const measured = goal.on === 'ratio' ? ratio : parts.value;
    meets =
      measured !== undefined &&
      Number.isFinite(measured) &&
      (goal.atMost === undefined || measured <= goal.atMost) &&
      (goal.atLeast === undefined || measured >= goal.atLeast);
  }
  return {
    ...parts,
    ...(ratio !== undefined ? { ratio } : {}),
    ...(meets !== undefined ? { meets } : {}),
  };
}

/** The figures as an aligned table: figure, value, baseline, ratio, goal, met. */
export function figureTable(figures: readonly Figure[]): string {
  const number = (value: number) =>
    Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  return table([
    ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'],
    ...figures.map((f) => [
      f.figure,
      `${number(f.value)} ${f.unit}`,
      f.baseline ? `${number(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '',
      f.ratio !== undefined ? `${f.ratio.toFixed(2)}x` : '',
      f.goal?.text ?? '',
      f.meets === undefined ? '' : f.meets ? 'yes' : 'NO',
    ]),
  ]);
}

/** The median of the numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The value at quantile `q` (0..1) of the numbers, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Milliseconds of each of `runs` timed calls, after one untimed warm-up call. */
export function time(runs: number, work: () => void): number[] {
  work();
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return times;
}

/** A table with aligned columns, the first left-aligned and the others right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) =>
          index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
}
