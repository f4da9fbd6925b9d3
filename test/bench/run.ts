import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Bench, type Figure, figureTable } from './bench.js';
import { contentBench } from './content.js';
import { conversionPoolBench } from './conversion-pool.js';
import { faultsBench } from './faults.js';
import { isolationBench } from './isolation.js';
import { memoryBench } from './memory.js';
import { sectionEditBench } from './section-edit.js';
import { serverBench } from './server.js';
import { startupBench } from './startup.js';

/** Every section, run in order by `npm run bench`; add new ones here. */
const benches: readonly Bench[] = [
  startupBench,
  serverBench,
  memoryBench,
  contentBench,
  conversionPoolBench,
  sectionEditBench,
  isolationBench,
  faultsBench,
];

const USAGE = `node dist/test/bench/run.js [--quick] [--only <section>[,<section>...]] [--out <file.json>]

  --quick   small sizes, to show every section runs (CI smoke); the figures mean little
  --only    run only these sections: ${benches.map(sectionId).join(', ')}
  --out     where to write the results as JSON (default bench-results.json, or $BENCH_OUT)
`;

/** A section's id: its name up to the first colon ("server: ..." is "server"). */
function sectionId(bench: Bench): string {
  return bench.name.split(':')[0]?.trim() ?? bench.name;
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const only = values.only?.split(',').map((id) => id.trim());
const unknown = only?.filter((id) => !benches.some((bench) => sectionId(bench) === id)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown section ${unknown.join(', ')}\n\n${USAGE}`);
  process.exit(2);
}
const quick = values.quick ?? false;
const out = resolve(values.out ?? process.env.BENCH_OUT ?? 'bench-results.json');

interface SectionResult {
  id: string;
  name: string;
  seconds: number;
  figures: readonly Figure[];
}

const sections: SectionResult[] = [];
for (const bench of benches) {
  const id = sectionId(bench);
  if (only && !only.includes(id)) continue;
  console.log(`\n== ${bench.name} ==`);
  const started = performance.now();
  const figures = (await bench.run({ quick, print: (line) => console.log(line) })) ?? [];
  sections.push({ id, name: bench.name, seconds: (performance.now() - started) / 1000, figures });
  if (figures.length > 0) console.log(`\n${figureTable(figures)}`);
}

const all = sections.flatMap((section) => section.figures);
console.log(`\n== every figure${quick ? ' (--quick: smoke sizes, not figures to quote)' : ''} ==`);
console.log(figureTable(all));
const withGoals = all.filter((f) => f.meets !== undefined);
console.log(
  `\n${withGoals.filter((f) => f.meets).length} of ${withGoals.length} goals met; results in ${out}`,
);

writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      quick,
      machine: {
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryMiB: Math.round(totalmem() / 2 ** 20),
        loadAverageAtEnd: loadavg(),
      },
      sections,
    },
    null,
    2,
  )}\n`,
);
