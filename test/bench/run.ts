import type { Bench } from './bench.js';
import { contentBench } from './content.js';
import { conversionPoolBench } from './conversion-pool.js';
import { isolationBench } from './isolation.js';
import { serverBench } from './server.js';

/** Every benchmark, run in order by `npm run bench`; add new ones here. */
const benches: readonly Bench[] = [contentBench, conversionPoolBench, serverBench, isolationBench];

for (const bench of benches) {
  console.log(`\n== ${bench.name} ==`);
  await bench.run();
}
