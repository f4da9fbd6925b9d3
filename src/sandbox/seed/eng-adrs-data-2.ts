import type { Adr } from './eng-adr-render.js';
import { ID } from './users.js';

/** ADR-017 to ADR-033: decisions from mid-2025 on, including superseded and proposed ones. */
export const adrsPart2: readonly Adr[] = [
  {
    number: 17,
    title: 'Feature flags with LaunchDarkly',
    date: '2025-07-15',
    status: 'Superseded',
    supersededBy: 'ADR-029: Self-hosted Unleash for feature flags',
    deciders: [ID.sofia, ID.jonas],
    authorId: ID.sofia,
    labels: ['feature-flags'],
    context:
      'Product wants to roll features out per customer site; we were shipping config changes to do it.',
    decision:
      'Use LaunchDarkly for feature flags in the console and cloud services, with site id as the context key.',
    consequences: ['Per-site rollouts without deploys.', 'A per-seat SaaS cost that grows with the team.'],
  },
  {
    number: 18,
    title: 'One Postgres database per service',
    date: '2025-07-22',
    status: 'Accepted',
    deciders: [ID.jonas, ID.olu, ID.priya],
    authorId: ID.olu,
    labels: ['database'],
    context:
      'Six services read and write the <code>fleet</code> database directly. A column rename in March broke billing for a day.',
    decision:
      'Each service owns its schema and is the only writer and reader. Other services use its API or its events. Shared RDS instances are fine; shared schemas are not.',
    consequences: [
      'Reporting moves to the analytics store.',
      'Some joins become API calls or denormalised events.',
    ],
  },
  {
    number: 19,
    title: 'Transactional outbox for domain events',
    date: '2025-08-05',
    status: 'Accepted',
    deciders: [ID.olu, ID.priya],
    authorId: ID.priya,
    labels: ['events', 'kafka', 'reliability'],
    context:
      'Services wrote to Postgres and then published to Kafka; a crash between the two lost events (we found 312 missing <code>mission.completed</code> events in July).',
    decision:
      'Write events to an <code>outbox</code> table in the same transaction as the state change; Debezium streams the table to Kafka.',
    consequences: [
      'At-least-once delivery: consumers must be idempotent.',
      'Debezium connectors become tier-1 infrastructure.',
    ],
    example: {
      language: 'sql',
      title: 'outbox.sql',
      body: "CREATE TABLE outbox (\n  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n  aggregate     text NOT NULL,          -- e.g. 'mission'\n  aggregate_id  text NOT NULL,\n  type          text NOT NULL,          -- e.g. 'mission.completed'\n  payload       jsonb NOT NULL,\n  created_at    timestamptz NOT NULL DEFAULT now()\n);\n\n-- Debezium reads the WAL; rows are deleted after 7 days\nDELETE FROM outbox WHERE created_at < now() - INTERVAL '7 days';",
    },
  },
  {
    number: 20,
    title: 'Protobuf over gRPC between gateway and cloud',
    date: '2025-08-19',
    status: 'Accepted',
    deciders: [ID.aiko, ID.daniel],
    authorId: ID.aiko,
    labels: ['edge', 'grpc'],
    context:
      'The gateway used JSON over WebSockets with hand-written reconnect logic and no schema evolution rules.',
    decision:
      'Use a bidirectional gRPC stream with Protobuf messages; schemas live in <code>acme/protos</code> and follow buf&rsquo;s breaking-change rules.',
    consequences: [
      'About 60&nbsp;% less bandwidth on satellite-linked sites.',
      'Gateway and cloud must tolerate unknown fields.',
    ],
  },
  {
    number: 21,
    title: 'EU customer data stays in eu-west-2',
    date: '2025-09-02',
    status: 'Accepted',
    deciders: [ID.fatima, ID.marcus],
    authorId: ID.fatima,
    labels: ['compliance', 'data-residency'],
    context:
      'Two German customers (and one in Zürich, under the Swiss FADP) require contractual data residency. Some pipelines copied telemetry to us-east-1 for analytics.',
    decision:
      'Data of EU and Swiss customers is stored and processed only in <code>eu-west-2</code>. Cross-region flows carry aggregates only, never raw telemetry or personal data.',
    consequences: ['Analytics runs per region.', 'Support tooling must route by customer region.'],
  },
  {
    number: 22,
    title: 'Store site maps as versioned tiles in S3',
    date: '2025-09-16',
    status: 'Accepted',
    deciders: [ID.zoe, ID.jonas],
    authorId: ID.zoe,
    labels: ['maps'],
    context:
      'Site maps (occupancy grids plus semantic zones) are up to 400&nbsp;MB and were stored as Postgres large objects, which made backups slow.',
    decision:
      'Maps are split into 256&times;256 tiles, stored in S3 under <code>maps/{siteId}/{version}/</code>, with a small manifest in Postgres. Versions are immutable.',
    consequences: [
      'Robots download only changed tiles.',
      'Garbage collection of old versions is a scheduled job.',
    ],
    jiraKey: 'FLEET-1423',
  },
  {
    number: 23,
    title: 'Temporal for long-running mission workflows',
    date: '2025-10-07',
    status: 'Accepted',
    deciders: [ID.priya, ID.olu, ID.jonas],
    authorId: ID.priya,
    labels: ['missions', 'workflows'],
    context:
      'A mission can run for hours (multi-stop deliveries, charging breaks). State machines in Postgres plus cron retries grew into 4&nbsp;000 lines nobody wanted to touch.',
    decision:
      'Model missions as Temporal workflows (self-hosted Temporal on EKS), with activities for dispatch, monitoring and completion.',
    consequences: [
      'Retries and timeouts are declared, not hand-written.',
      'Workflow code must be deterministic; reviewers check for it.',
    ],
  },
  {
    number: 24,
    title: 'Retire the v2 Fleet API by 2026-Q3',
    date: '2025-10-21',
    status: 'Accepted',
    deciders: [ID.sofia, ID.priya, ID.marcus],
    authorId: ID.sofia,
    labels: ['api', 'deprecation'],
    context:
      'v2 has no pagination, no idempotency and a different error format; supporting both costs about one engineer.',
    decision:
      'v2 answers with <code>Deprecation</code> and <code>Sunset</code> headers from 2026-01-01 and is switched off on 2026-09-30. Customer success contacts each of the 11 remaining customers.',
    consequences: [
      'A migration guide and office hours for customers.',
      'Some integrations will need our help to move.',
    ],
  },
  {
    number: 25,
    title: 'Calendar versioning and release trains for firmware',
    date: '2025-11-04',
    status: 'Accepted',
    deciders: [ID.aiko, ID.zoe, ID.sofia],
    authorId: ID.zoe,
    labels: ['firmware', 'release'],
    context:
      'Firmware versions like 3.14.2-rc7-hotfix2 told customers nothing, and releases left whenever a feature was ready.',
    decision:
      'Firmware ships every four weeks as <code>YYYY.N.patch</code> (e.g. 2026.2.1). Features that miss the train wait for the next one.',
    consequences: [
      'Predictable dates for customers and support.',
      'Feature flags are needed for partial work.',
    ],
  },
  {
    number: 26,
    title: 'Renovate for dependency updates',
    date: '2025-11-18',
    status: 'Accepted',
    deciders: [ID.olu, ID.daniel],
    authorId: ID.olu,
    labels: ['tooling', 'security'],
    context:
      'Dependency updates happened when something broke. The January audit found 41 known CVEs in production images.',
    decision:
      'Renovate opens grouped weekly pull requests; patch updates of dev dependencies auto-merge when CI is green.',
    consequences: ['A steady trickle of review work.', 'Base images are rebuilt weekly.'],
  },
  {
    number: 27,
    title: 'Structured JSON logging',
    date: '2025-12-02',
    status: 'Accepted',
    deciders: [ID.daniel, ID.priya],
    authorId: ID.daniel,
    labels: ['observability', 'logging'],
    context:
      'Log lines were free text with ad-hoc key=value pairs; queries in Loki relied on regular expressions.',
    decision:
      'All services log JSON lines with <code>level</code>, <code>msg</code>, <code>service</code>, <code>trace_id</code> and <code>site_id</code>; TypeScript services use pino. Never log tokens or personal data.',
    consequences: ['Log-based alerts become reliable.', 'Log volume grows about 30&nbsp;%.'],
    example: {
      language: 'json',
      title: 'A log line',
      body: '{"level":"warn","time":"2026-02-03T09:14:07.113Z","service":"mission-api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","site_id":"site-0042","msg":"robot did not ack dispatch within 5s","robot_id":"AR9-00421","attempt":2}',
    },
  },
  {
    number: 28,
    title: 'Per-tenant rate limiting at the edge',
    date: '2025-12-16',
    status: 'Accepted',
    deciders: [ID.priya, ID.fatima],
    authorId: ID.priya,
    labels: ['api', 'rate-limiting'],
    context:
      'One customer&rsquo;s polling script sent 900 requests per second and degraded the API for everyone else.',
    decision:
      'Envoy&rsquo;s global rate limit service enforces limits per API key and per customer, returning 429 with <code>Retry-After</code>.',
    consequences: ['Limits are documented per plan.', 'SDKs back off on 429 automatically.'],
    example: {
      language: 'yaml',
      title: 'ratelimit-config.yaml',
      body: 'domain: fleet-api\ndescriptors:\n  - key: customer_id\n    rate_limit:\n      unit: second\n      requests_per_unit: 50\n    descriptors:\n      - key: path\n        value: /v3/telemetry/query\n        rate_limit:\n          unit: minute\n          requests_per_unit: 60',
    },
  },
  {
    number: 29,
    title: 'Self-hosted Unleash for feature flags',
    date: '2026-01-13',
    status: 'Accepted',
    deciders: [ID.sofia, ID.jonas, ID.fatima],
    authorId: ID.jonas,
    labels: ['feature-flags'],
    context:
      'LaunchDarkly (ADR-017) works well but its data leaves our EU region, which conflicts with ADR-021 for flags keyed on EU site ids, and the renewal quote doubled.',
    decision:
      'Run Unleash on EKS in each region; migrate flags by 2026-03-31 and cancel the LaunchDarkly contract.',
    consequences: ['We operate one more service.', 'Flag evaluation stays in-region.'],
    jiraKey: 'PLAT-388',
  },
  {
    number: 30,
    title: 'SLOs per user journey',
    date: '2026-02-03',
    status: 'Accepted',
    deciders: [ID.daniel, ID.sofia],
    authorId: ID.daniel,
    labels: ['observability', 'slo'],
    context:
      'We had 140 per-service SLOs and still missed the outage customers cared about (missions not starting).',
    decision:
      'Define SLOs for five user journeys (start a mission, see live robot position, receive an alert, update firmware, call the public API) and alert on their burn rates.',
    consequences: ['Fewer, more meaningful pages for on-call.', 'Service dashboards remain for debugging.'],
  },
  {
    number: 31,
    title: 'ClickHouse for fleet analytics',
    date: '2026-02-24',
    status: 'Proposed',
    deciders: [ID.olu, ID.sofia],
    authorId: ID.olu,
    labels: ['analytics', 'database'],
    context:
      'Fleet utilisation reports scan months of Parquet through Athena and take minutes; customers want them interactive.',
    decision:
      'Proposal: load aggregated telemetry into ClickHouse Cloud (EU and US services) and serve reports from it.',
    consequences: ['Reports in seconds.', 'Another data store to secure and to keep in-region.'],
    alternatives: ['Keep Athena and precompute reports nightly', 'TimescaleDB continuous aggregates'],
  },
  {
    number: 32,
    title: 'Python with ONNX Runtime for ML inference',
    date: '2026-03-10',
    status: 'Accepted',
    deciders: [ID.zoe, ID.jonas],
    authorId: ID.zoe,
    labels: ['ml', 'language'],
    context:
      'The obstacle classifier is trained in PyTorch; serving it from TypeScript meant a fragile native binding.',
    decision:
      'ML inference services are Python 3.12 with ONNX Runtime behind a small FastAPI app. Models are exported to ONNX in CI.',
    consequences: [
      'A second backend language with its own lint and test setup.',
      'GPU nodes only for training, not inference.',
    ],
    example: {
      language: 'python',
      title: 'serve.py',
      body: 'import numpy as np\nimport onnxruntime as ort\nfrom fastapi import FastAPI\n\napp = FastAPI()\nsession = ort.InferenceSession("models/obstacle-v4.onnx", providers=["CPUExecutionProvider"])\n\n\n@app.post("/v1/classify")\ndef classify(frame: list[float]) -> dict[str, float]:\n    x = np.asarray(frame, dtype=np.float32).reshape(1, -1)\n    (scores,) = session.run(None, {"input": x})\n    # scores are logits; apply softmax only when the score is < 0 or > 1\n    return {"obstacle": float(scores[0][1]), "clear": float(scores[0][0])}',
    },
  },
  {
    number: 33,
    title: 'Replace Jenkins with GitHub Actions',
    date: '2026-04-07',
    status: 'Accepted',
    deciders: [ID.olu, ID.daniel, ID.priya],
    authorId: ID.olu,
    labels: ['ci', 'tooling'],
    context:
      'Jenkins needs a part-time admin, its plugins lag on security fixes, and the monorepo&rsquo;s affected-only builds were hard to express.',
    decision:
      'Move all pipelines to GitHub Actions with self-hosted runners on EKS (actions-runner-controller). Jenkins is switched off on 2026-06-30.',
    consequences: ['Pipelines live next to the code.', 'The firmware build farm moves to ARM runners.'],
    jiraKey: 'PLAT-412',
  },
];
