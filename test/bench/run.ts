import type { Bench } from './bench.js';
import { contentBench } from './content.js';
import { faultsBench } from './faults.js';
import { serverBench } from './server.js';

/** Every benchmark, run in order by `npm run bench`; add new ones here. */
const benches: readonly Bench[] = [contentBench, serverBench, faultsBench];

for (const bench of benches) {
  console.log(`\n== ${bench.name} ==`);
  await bench.run();
}
