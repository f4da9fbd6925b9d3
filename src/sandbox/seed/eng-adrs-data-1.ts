import type { Adr } from './eng-adr-render.js';
import { ID } from './users.js';

/** ADR-001 to ADR-016: the platform's foundations, decided in 2025. */
export const adrsPart1: readonly Adr[] = [
  {
    number: 1,
    title: 'Record architecture decisions',
    date: '2025-01-22',
    status: 'Accepted',
    deciders: [ID.jonas, ID.marcus],
    authorId: ID.jonas,
    labels: ['process'],
    context:
      'Decisions about the platform were scattered across Slack threads and meeting notes. New joiners could not tell <em>why</em> things are the way they are.',
    decision:
      'We record every significant architecture decision as a page under <strong>Architecture decision records</strong>, using Michael Nygard&rsquo;s format: context, decision, consequences. ADRs are numbered and never deleted; a changed mind is a new ADR that supersedes the old one.',
    consequences: [
      'Reviews happen on the page (inline comments), not in Slack.',
      'The ADR log becomes part of onboarding.',
      'Some overhead for small decisions: if it is reversible in a day, skip the ADR.',
    ],
  },
  {
    number: 2,
    title: 'Use Kafka for telemetry transport',
    date: '2025-01-29',
    status: 'Accepted',
    deciders: [ID.jonas, ID.daniel],
    authorId: ID.daniel,
    labels: ['telemetry', 'kafka'],
    context:
      'Telemetry arrives at ~50k frames/s at peak and has four independent consumers (storage, alerting, analytics, billing). The SQS-based pipeline drops ordering per robot and costs grow linearly with consumers.',
    decision:
      'Use Amazon MSK (Kafka 3.7) with topics keyed by robot id. Consumers own their consumer groups; retention is 72&nbsp;h to match the on-robot buffer.',
    consequences: [
      'Per-robot ordering is guaranteed within a partition.',
      'We must run and upgrade MSK clusters; the SRE team owns them.',
      'Replaying the last three days is a consumer-group reset, not a project.',
    ],
    alternatives: [
      'Amazon Kinesis: shard limits and per-shard pricing hurt at our fan-out',
      'Keep SQS + SNS fan-out',
    ],
    jiraKey: 'PLAT-112',
  },
  {
    number: 3,
    title: 'TimescaleDB for hot telemetry storage',
    date: '2025-02-05',
    status: 'Accepted',
    deciders: [ID.daniel, ID.olu],
    authorId: ID.olu,
    labels: ['telemetry', 'database'],
    context:
      'The console needs the last 30 days of telemetry per robot with sub-second queries. Our team knows Postgres well; nobody has run Cassandra in production.',
    decision:
      'Store hot telemetry in TimescaleDB hypertables chunked by 6 hours, with native compression after 2 days. Older data goes to S3 as Parquet.',
    consequences: [
      'Standard SQL and our existing Postgres tooling.',
      'Write throughput is bounded by one primary per region; we shard by site if we pass 150k rows/s.',
    ],
    example: {
      language: 'sql',
      title: 'Compression policy',
      body: "ALTER TABLE telemetry_frame SET (\n  timescaledb.compress,\n  timescaledb.compress_segmentby = 'robot_id'\n);\nSELECT add_compression_policy('telemetry_frame', INTERVAL '2 days');",
    },
  },
  {
    number: 4,
    title: 'Edge gateway is the only path to robots',
    date: '2025-02-11',
    status: 'Accepted',
    deciders: [ID.jonas, ID.fatima, ID.marcus],
    authorId: ID.jonas,
    labels: ['edge', 'security'],
    context:
      'Enterprise customers will not open inbound firewall ports. Several early prototypes had robots dialling the cloud directly, which bypassed the site&rsquo;s traffic manager.',
    decision:
      'All traffic between the cloud and robots goes through the site&rsquo;s edge gateway. The gateway dials out to the cloud (gRPC over TLS&nbsp;1.3); nothing dials in.',
    consequences: [
      'Customer network reviews get much shorter: one outbound port, 443.',
      'A gateway outage takes a whole site offline; gateways run as an active/standby pair at large sites.',
      'Robots never hold cloud credentials.',
    ],
  },
  {
    number: 5,
    title: 'MQTT 5 between robots and gateway',
    date: '2025-02-18',
    status: 'Accepted',
    deciders: [ID.aiko, ID.jonas],
    authorId: ID.aiko,
    labels: ['edge', 'mqtt', 'firmware'],
    context:
      'Robots roam between Wi-Fi access points and lose connectivity for seconds at a time. We need session resumption and small overhead on a constrained link.',
    decision:
      'Robots speak MQTT&nbsp;5 to an EMQX broker on the gateway, with persistent sessions, QoS&nbsp;1 for telemetry and QoS&nbsp;2 for commands.',
    consequences: [
      'Message expiry lets stale commands die instead of executing late.',
      'Topic design becomes an API: changes go through this ADR log.',
    ],
    example: {
      language: 'json',
      title: 'Topic map',
      body: '{\n  "telemetry": "fleet/{robotId}/telemetry",\n  "commands": "fleet/{robotId}/cmd",\n  "acks": "fleet/{robotId}/cmd/ack",\n  "presence": "$SYS/fleet/{robotId}/presence"\n}',
    },
  },
  {
    number: 6,
    title: 'Rust for the on-board agent',
    date: '2025-03-03',
    status: 'Accepted',
    deciders: [ID.aiko, ID.zoe],
    authorId: ID.aiko,
    labels: ['firmware', 'language'],
    context:
      'The Python agent used 180&nbsp;MB of RAM on a 1&nbsp;GB board and crashed under memory pressure. Firmware engineers already write C++ for motor control.',
    decision:
      'Rewrite the agent in Rust (tokio, rumqttc). C++ stays for the real-time motor controller; the two talk over a Unix socket with a versioned protocol.',
    consequences: [
      'Memory use dropped to 22&nbsp;MB in the prototype.',
      'Hiring: Rust experience becomes a plus for firmware roles.',
      'Zoë&rsquo;s team in Zürich owns the crate registry mirror.',
    ],
  },
  {
    number: 7,
    title: 'TypeScript for backend HTTP services',
    date: '2025-03-12',
    status: 'Accepted',
    deciders: [ID.jonas, ID.priya],
    authorId: ID.priya,
    labels: ['language', 'backend'],
    context:
      'Cloud services were written in Go, Python and TypeScript depending on who started them. The console is TypeScript, and most product engineers move between console and API work.',
    decision:
      'New HTTP services are TypeScript on Node.js LTS with Fastify. Go stays for the ingest path and Kafka tooling; Python only for ML (see ADR-032).',
    consequences: [
      'Shared types between console and API through generated OpenAPI clients.',
      'We accept Node&rsquo;s single-threaded model; CPU-heavy work moves to workers.',
    ],
  },
  {
    number: 8,
    title: 'Use a monorepo for cloud services',
    date: '2025-03-20',
    status: 'Accepted',
    deciders: [ID.jonas, ID.priya, ID.olu],
    authorId: ID.jonas,
    labels: ['repository', 'tooling'],
    context:
      'Forty repositories, each with its own CI config and dependency versions. Cross-service changes took a dozen pull requests.',
    decision:
      'Move cloud services into <code>acme/platform</code>, built with Nx and pnpm workspaces. Firmware stays in its own repositories (different release cadence, different toolchain).',
    consequences: [
      'Atomic cross-service changes and one lockfile.',
      'CI must be affected-only or it will take an hour.',
      'CODEOWNERS replaces repository permissions.',
    ],
  },
  {
    number: 9,
    title: 'Kubernetes on EKS as the runtime',
    date: '2025-04-02',
    status: 'Accepted',
    deciders: [ID.daniel, ID.jonas],
    authorId: ID.daniel,
    labels: ['kubernetes', 'infrastructure'],
    context: 'Services ran on a mix of ECS, EC2 autoscaling groups and two hand-managed VMs.',
    decision:
      'All cloud services run on EKS, one cluster per region and environment, provisioned with Terraform. Nodes are managed by Karpenter.',
    consequences: [
      'One deployment model for everything.',
      'We have to keep up with Kubernetes minor versions (three a year).',
    ],
    jiraKey: 'PLAT-140',
  },
  {
    number: 10,
    title: 'GitOps deployments with Argo CD',
    date: '2025-04-15',
    status: 'Accepted',
    deciders: [ID.daniel, ID.priya],
    authorId: ID.daniel,
    labels: ['deployment', 'gitops'],
    context:
      'Deployments were <code>helm upgrade</code> from laptops and from Jenkins. Nobody could say what version was running where.',
    decision:
      'The desired state of every cluster lives in <code>acme/deployments</code>. Argo CD syncs it; CI only opens pull requests that bump image tags.',
    consequences: [
      'Rollback is <code>git revert</code>.',
      'Engineers lose <code>kubectl</code> write access to production.',
      'The deploy bot needs write access to the deployments repository.',
    ],
  },
  {
    number: 11,
    title: 'Sign OTA images with ed25519',
    date: '2025-05-06',
    status: 'Accepted',
    deciders: [ID.fatima, ID.aiko],
    authorId: ID.fatima,
    labels: ['security', 'ota', 'firmware'],
    context:
      'Over-the-air images were verified only by a SHA-256 checksum shipped alongside the image, which protects against corruption but not against tampering.',
    decision:
      'Release images are signed with an ed25519 key held in AWS KMS (via a signing service). The bootloader verifies the signature against two embedded public keys (current and next).',
    consequences: [
      'Key rotation is possible without bricking robots: ship the next key one release ahead.',
      'Local developer builds need a dev key and a dev-unlocked bootloader.',
    ],
    example: {
      language: 'bash',
      title: 'Verify an image by hand',
      body: 'acme-sign verify \\\n  --pubkey keys/release-2025.pub \\\n  --image build/ar9-firmware-2025.6.0.swu \\\n  && echo "signature OK" || echo "BAD SIGNATURE" >&2',
    },
  },
  {
    number: 12,
    title: 'A/B partitions for firmware updates',
    date: '2025-05-14',
    status: 'Accepted',
    deciders: [ID.aiko, ID.zoe],
    authorId: ID.zoe,
    labels: ['ota', 'firmware'],
    context:
      'A power cut during an update bricked two robots at a customer site in March; recovery needed a technician visit.',
    decision:
      'Use SWUpdate with A/B root partitions. The new slot is marked good only after the agent reports healthy for 10 minutes; otherwise the bootloader falls back.',
    consequences: [
      'Doubles root filesystem storage (1.2&nbsp;GB).',
      'Updates become safe to run unattended at night.',
    ],
  },
  {
    number: 13,
    title: 'OpenAPI-first for the public Fleet API',
    date: '2025-06-03',
    status: 'Accepted',
    deciders: [ID.priya, ID.sofia],
    authorId: ID.priya,
    labels: ['api'],
    context:
      'The v2 API spec was generated from code and drifted from the docs. Customers found fields we never documented.',
    decision:
      'The OpenAPI 3.1 document in <code>api/fleet-v3.yaml</code> is the source of truth. Server stubs and clients are generated from it; CI fails if the implementation disagrees.',
    consequences: [
      'API design reviews happen on the spec, before code.',
      'See the API style guide for naming and error rules.',
    ],
  },
  {
    number: 14,
    title: 'Cursor-based pagination in public APIs',
    date: '2025-06-10',
    status: 'Accepted',
    deciders: [ID.priya, ID.jonas],
    authorId: ID.priya,
    labels: ['api', 'pagination'],
    context:
      'Offset pagination over live telemetry skipped and duplicated rows, and <code>OFFSET 100000</code> queries hurt the database.',
    decision:
      'List endpoints take <code>limit</code> (1&ndash;200, default 50) and an opaque <code>cursor</code>; responses carry <code>next_cursor</code> and a <code>Link</code> header.',
    consequences: ['No total counts on large collections.', 'Cursors expire after 24&nbsp;h.'],
    example: {
      language: 'json',
      title: 'A page of robots',
      body: '{\n  "items": [{ "id": "AR9-00421", "name": "Dock runner 3" }],\n  "next_cursor": "eyJrIjoiQVI5LTAwNDIxIn0",\n  "limit": 50\n}',
    },
  },
  {
    number: 15,
    title: 'Idempotency keys on mutating endpoints',
    date: '2025-06-24',
    status: 'Accepted',
    deciders: [ID.priya, ID.olu],
    authorId: ID.olu,
    labels: ['api', 'reliability'],
    context:
      'Customers retry mission creation after timeouts and end up with two robots sent to the same dock. A naïve retry loop on their side should be safe.',
    decision:
      'POST endpoints accept an <code>Idempotency-Key</code> header. The first response is stored for 24&nbsp;h and replayed for the same key and body; a different body with the same key gets 422.',
    consequences: ['A Redis dependency on the write path.', 'Docs and SDKs must generate keys by default.'],
    example: {
      language: 'typescript',
      title: 'idempotency.ts',
      body: "export async function withIdempotency<T>(\n  key: string | undefined,\n  bodyHash: string,\n  run: () => Promise<T>,\n): Promise<T> {\n  if (!key) return run();\n  const cached = await store.get(key);\n  if (cached && cached.bodyHash !== bodyHash) {\n    throw new UnprocessableError('Idempotency-Key reused with a different body');\n  }\n  if (cached) return cached.response as T;\n  const response = await run();\n  await store.set(key, { bodyHash, response }, { ttlSeconds: 86_400 });\n  return response;\n}",
    },
  },
  {
    number: 16,
    title: 'OpenTelemetry for tracing',
    date: '2025-07-08',
    status: 'Accepted',
    deciders: [ID.daniel, ID.olu],
    authorId: ID.daniel,
    labels: ['observability'],
    context:
      'Three tracing libraries, two vendors, and no trace that crosses from the gateway into the cloud.',
    decision:
      'Instrument everything with OpenTelemetry SDKs and export OTLP to the collector; the backend (Grafana Tempo today) is swappable. Gateways propagate <code>traceparent</code> over gRPC.',
    consequences: [
      'A mission can be traced from console click to robot ack.',
      'Sampling: 5&nbsp;% head-based, 100&nbsp;% on errors.',
    ],
  },
];
