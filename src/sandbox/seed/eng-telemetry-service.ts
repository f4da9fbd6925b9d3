import { code, mention, pageLink, panel, status } from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

const telemetryServiceBody = `<h1>Fleet Telemetry Service</h1>
<p>${status('Green', 'Tier 1')} ${status('Blue', 'Platform team')} Owner: ${mention(ID.daniel)}</p>
<p>The telemetry service accepts batches from gateways, validates and enriches them and writes them to Kafka.
It is the highest-volume service we run: roughly 4.8&times;10<sup>4</sup> frames per second at peak. Latency budget:
p99 &lt; 2&nbsp;s from robot to Kafka. We also report its footprint in kg CO<sub>2</sub>e per 10<sup>9</sup> frames.</p>
<h2>Interfaces</h2>
<table data-layout="wide"><tbody><tr><th><p>Interface</p></th><th><p>Protocol</p></th><th><p>Details</p></th></tr>
<tr><td><p>Ingest</p></td><td><p>HTTPS + mTLS</p></td><td><ul><li><p><code>POST /v3/telemetry/batches</code></p></li><li><p>max 4&nbsp;MB per batch, zstd</p></li></ul></td></tr>
<tr><td><p>Output</p></td><td><p>Kafka</p></td><td><p>Topic <code>telemetry.v3</code>, 96 partitions, keyed by robot id.</p><p>Schema in the registry as <code>TelemetryFrame</code>.</p></td></tr>
<tr><td><p>Health</p></td><td><p>HTTP</p></td><td><p><code>GET /healthz</code>, <code>GET /readyz</code> on port 8081</p></td></tr></tbody></table>
<h2>Operations</h2>
<p>Runbook: ${pageLink('Runbook: telemetry ingest lag')}. Dashboards: <a href="https://grafana.acme-robotics.example/d/telemetry-ingest">Grafana: telemetry-ingest</a>.</p>
${code(
  'yaml',
  `# values-prod.yaml (excerpt)
replicaCount: 24
resources:
  requests: { cpu: "1500m", memory: "2Gi" }
  limits: { memory: "3Gi" }
kafka:
  topic: telemetry.v3
  acks: all
  lingerMs: 20
`,
  { title: 'Helm values' },
)}`;

const dataModelBody = `<h1>Telemetry data model</h1>
<p>One <strong>frame</strong> is one sample of a robot&rsquo;s state. Frames are immutable; corrections are new frames with
<code>supersedes</code> set.</p>
${code(
  'typescript',
  `/** One telemetry sample as written to Kafka (Avro schema TelemetryFrame v7). */
export interface TelemetryFrame {
  robotId: string; // e.g. "AR9-00421"
  siteId: string;
  capturedAt: string; // ISO 8601, robot clock, corrected by the gateway
  pose: { x: number; y: number; theta: number; floor: number };
  battery: { soc: number; voltage: number; charging: boolean };
  motors: Array<{ id: 'left' | 'right' | 'lift'; currentA: number; tempC: number }>;
  supersedes?: string;
}

export function isLowBattery(frame: TelemetryFrame, threshold = 0.15): boolean {
  return frame.battery.soc < threshold && !frame.battery.charging;
}`,
  { title: 'telemetry-frame.ts', linenumbers: true },
)}
<h2>Storage</h2>
${code(
  'sql',
  `-- TimescaleDB hypertable, 30-day retention
CREATE TABLE telemetry_frame (
  robot_id     text        NOT NULL,
  site_id      text        NOT NULL,
  captured_at  timestamptz NOT NULL,
  pose         jsonb       NOT NULL,
  battery_soc  real        CHECK (battery_soc >= 0 AND battery_soc <= 1),
  payload      jsonb       NOT NULL
);
SELECT create_hypertable('telemetry_frame', 'captured_at', chunk_time_interval => INTERVAL '6 hours');
SELECT add_retention_policy('telemetry_frame', INTERVAL '30 days');`,
  { title: 'schema.sql' },
)}
${panel('note', '<p>Battery state of charge is a ratio (0&ndash;1), not a percentage. The console multiplies by 100.</p>')}`;

/** The telemetry service's page, with its data model one level deeper. */
export const telemetryServicePage: SeedPage = {
  title: 'Fleet Telemetry Service',
  authorId: ID.daniel,
  createdAt: '2025-02-10T09:15:00Z',
  labels: ['service', 'telemetry', 'tier-1'],
  body: telemetryServiceBody,
  children: [
    {
      title: 'Fleet Telemetry Service: data model',
      authorId: ID.olu,
      createdAt: '2025-02-12T11:00:00Z',
      labels: ['telemetry', 'data-model'],
      body: dataModelBody,
    },
  ],
};
