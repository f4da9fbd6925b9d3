/** What an operator sees of a running server: its Prometheus metrics and its readiness. */
export { OpsMetrics, type RefreshOutcome } from './metrics.js';
export { storeReadiness } from './readiness.js';
export { processUserTag } from './user-tag.js';
