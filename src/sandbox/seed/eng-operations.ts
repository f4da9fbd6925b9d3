import { postmortemsPage } from './eng-postmortems.js';
import {
  anchor,
  anchorLink,
  code,
  colourPanel,
  emoji,
  emoticon,
  expand,
  jira,
  mention,
  noformat,
  pageLink,
  panel,
  status,
  toc,
} from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

const onCallGuide = `${toc(2)}
<h1>On-call guide</h1>
<p>Everything you need for your first (and fiftieth) on-call week. Owner: ${mention(ID.daniel)}.</p>
${colourPanel('<p>If you are paged and unsure: <strong>acknowledge first, then ask</strong> in <code>#incident-response</code>. Nobody will mind a question at 3&nbsp;a.m.; everybody will mind a page left unacknowledged.</p>', { title: 'Golden rule', bgColor: '#FFFAE6', borderStyle: 'solid' })}
<h2>${anchor('rota')}Rota</h2>
<p>Weekly rotations start Monday 10:00 UK time. Hand-over happens in the Monday platform sync.</p>
<table data-layout="default"><tbody>
<tr><th rowspan="2"><p>Week</p></th><th colspan="2"><p>Platform</p></th><th colspan="2"><p>Fleet Ops</p></th></tr>
<tr><th><p>Primary</p></th><th><p>Secondary</p></th><th><p>Primary</p></th><th><p>Secondary</p></th></tr>
<tr><td><p><time datetime="2026-03-02" /></p></td><td><p>${mention(ID.priya)}</p></td><td><p>${mention(ID.olu)}</p></td><td><p>${mention(ID.daniel)}</p></td><td><p>${mention(ID.fatima)}</p></td></tr>
<tr><td><p><time datetime="2026-03-09" /></p></td><td><p>${mention(ID.olu)}</p></td><td><p>${mention(ID.daniel)}</p></td><td colspan="2"><p>${mention(ID.priya)} (covering both; Fatima on leave)</p></td></tr>
<tr><td><p><time datetime="2026-03-16" /></p></td><td><p>${mention(ID.daniel)}</p></td><td><p>${mention(ID.priya)}</p></td><td><p>${mention(ID.fatima)}</p></td><td><p>${mention(ID.olu)}</p></td></tr>
</tbody></table>
<h2>Before your week</h2>
<ol><li><p>Check your PagerDuty app works: send yourself a test page.</p></li>
<li><p>Make sure you can reach production dashboards and logs:</p>
<ul><li><p>Grafana (SSO)</p></li><li><p>Loki and Tempo through Grafana</p><ul><li><p>saved query: <em>errors by service</em></p></li><li><p>saved query: <em>slow traces &gt; 2&nbsp;s</em></p></li></ul></li><li><p>Argo CD (read-only)</p></li></ul></li>
<li><p>Read the last week&rsquo;s hand-over notes in ${pageLink('Platform team meeting notes')}.</p></li></ol>
<h2>Severity levels</h2>
<table data-layout="wide"><tbody><tr><th><p>Severity</p></th><th><p>Definition</p></th><th><p>Response</p></th></tr>
<tr><td><p>${status('Red', 'SEV1')}</p></td><td><p>Customer-facing outage: missions cannot start, or robots stopped at more than one site.</p></td><td><ul><li><p>Page secondary and the incident commander</p></li><li><p>Status page update within 15 minutes</p></li><li><p>Postmortem required</p></li></ul></td></tr>
<tr><td><p>${status('Yellow', 'SEV2')}</p></td><td><p>Degraded: slow telemetry, one site affected, API errors &gt; 1&nbsp;%.</p></td><td><ul><li><p>Work it in <code>#incident-response</code></p></li><li><p>Postmortem if it lasted &gt; 1&nbsp;h</p></li></ul></td></tr>
<tr><td><p>${status('Blue', 'SEV3')}</p></td><td><p>Minor; no customer impact yet.</p></td><td><p>Ticket in the PLAT project; fix in working hours.</p></td></tr></tbody></table>
<h2>Runbooks</h2>
<p>Start with the runbook for the alert; every tier-1 alert links one. Index: ${pageLink('Runbooks')}. The ones you will most likely need:</p>
<ul><li><p>${pageLink('Runbook: telemetry ingest lag')}</p></li><li><p>${pageLink('Runbook: Postgres failover')}</p></li><li><p>${pageLink('Runbook: OTA rollout halt')}</p></li></ul>
<h2>${anchor('escalation')}Escalation</h2>
<p>Escalate early. After 30 minutes without a clear path, page the secondary; after 60, the engineering manager (${mention(ID.jonas)}).
Security incidents go straight to ${mention(ID.fatima)}. ${emoji('rotating_light', '1f6a8', '🚨')}</p>
<p>Back to ${anchorLink('rota', 'the rota')}.</p>`;

const ingestLagRunbook = `${panel('info', '<p>Alert: <code>TelemetryIngestConsumerLagHigh</code> (lag &gt; 500k messages for 5 min on <code>telemetry.v3</code>).</p>', 'When to use this runbook')}
<h2>Impact</h2>
<p>The console shows stale robot positions; alerts (low battery, faults) arrive late. Robots themselves keep working.</p>
<h2>Diagnose</h2>
<ol><li><p>Which consumer group is lagging?</p>
${code(
  'bash',
  `kubectl -n telemetry exec deploy/kafka-tools -- \\
  kafka-consumer-groups.sh --bootstrap-server "$MSK_BOOTSTRAP" \\
  --describe --group telemetry-timescale-writer | sort -k6 -n -r | head -20`,
  { title: 'Consumer lag by partition' },
)}</li>
<li><p>Is the writer CPU-bound or waiting on the database? Check the <em>telemetry-ingest</em> dashboard, panels &ldquo;DB write latency&rdquo; and &ldquo;CPU throttling&rdquo;.</p></li>
<li><p>Is a single partition hot? A robot stuck in a reboot loop can flood its partition.</p></li></ol>
<h2>Mitigate</h2>
<ul><li><p><strong>CPU-bound</strong>: scale the writer (max 96, one per partition):</p>
${code('bash', 'kubectl -n telemetry scale deploy/telemetry-timescale-writer --replicas=48', { title: 'Scale out' })}</li>
<li><p><strong>Database slow</strong>: check for long-running queries and locks; see ${pageLink('Database conventions', { anchor: 'locks', text: 'locks in Database conventions' })}.</p></li>
<li><p><strong>Hot partition</strong>: mute the robot with <code>acme-fleet robot mute AR9-XXXXX --minutes 30</code> and open a firmware ticket.</p></li></ul>
${panel('warning', '<p>Do <strong>not</strong> reset consumer offsets to <em>latest</em>: the data would be lost from TimescaleDB for good (S3 still has it, but backfill takes hours).</p>')}`;

const postgresFailover = `${toc(2)}
<p>Use when the primary of a service database in a region is unavailable and RDS has not failed over by itself within 5 minutes.</p>
<h2>Preconditions</h2>
<ul><li><p>You are incident commander or have their go-ahead.</p></li><li><p>You have break-glass access (${pageLink('Break-glass access procedure')}) &mdash; ask a site admin if not.</p></li></ul>
<h2>Steps</h2>
<ol><li><p>Confirm the primary is really down (not just the network path):</p>
${code(
  'bash',
  `aws rds describe-db-clusters --db-cluster-identifier "$CLUSTER" \\
  --query 'DBClusters[0].DBClusterMembers[*].[DBInstanceIdentifier,IsClusterWriter]' --output table
pg_isready -h "$WRITER_ENDPOINT" -p 5432 && echo "writer reachable" || echo "writer DOWN"`,
)}</li>
<li><p>Force the failover:</p>
${code('bash', 'aws rds failover-db-cluster --db-cluster-identifier "$CLUSTER" --target-db-instance-identifier "$REPLICA"')}</li>
<li><p>Restart the service pods so they drop stale connections (PgBouncer does not always notice):</p>
${code('bash', 'kubectl -n "$NS" rollout restart deploy/"$SERVICE" && kubectl -n "$NS" rollout status deploy/"$SERVICE" --timeout=5m')}</li>
<li><p>Check replication lag on the new replicas is back under 1&nbsp;s:</p>
${code(
  'sql',
  `SELECT client_addr, state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes
FROM pg_stat_replication
WHERE state = 'streaming' AND pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) > 0;`,
  { title: 'Replication lag' },
)}</li></ol>
<h2>Cross-region</h2>
<p>Cross-region failover is manual and takes about 40 minutes. It needs ${mention(ID.jonas)} or ${mention(ID.marcus)} to approve. ${jira('PLAT-301')}</p>`;

const otaHalt = `<p>Use when an OTA campaign makes robots fail health checks after updating (the campaign halts itself at 5&nbsp;% failures, but you may need to act sooner).</p>
${taskFreeChecklist()}
<h2>Halt the campaign</h2>
${code(
  'bash',
  `acme-fleet ota halt "$CAMPAIGN_ID" --reason "health checks failing after update"
acme-fleet ota status "$CAMPAIGN_ID" --output json | jq '.batches[] | select(.failed > 0)'`,
  { title: 'Halt and inspect' },
)}
<h2>Roll robots back</h2>
<p>Robots that failed health checks roll back to the other A/B slot automatically (${pageLink('ADR-012: A/B partitions for firmware updates', { text: 'ADR-012' })}). Robots that updated and passed stay on the new version; decide with the firmware team whether to roll them back too.</p>
${noformat(`robot AR9-00421   slot B -> A   rollback OK     2026-01-22T02:14:09Z
robot AR9-00422   slot B         healthy         2026-01-22T02:15:40Z
robot AR7-00107   slot B -> A   rollback FAILED (bootloader timeout)`)}
${panel('note', `<p>A failed rollback needs a technician on site. Create a maintenance ticket and tell the customer&rsquo;s success manager. See ${pageLink('Postmortem 2026-01-22: OTA update stalled at 40%')}.</p>`)}`;

function taskFreeChecklist(): string {
  return `<h2>Checklist</h2><ul><li><p>${emoticon('tick')} Incident channel open</p></li><li><p>${emoticon('tick')} Firmware on-call (${mention(ID.aiko)}) paged</p></li><li><p>${emoticon('warning')} Customer success informed for sites with failures</p></li></ul>`;
}

const kafkaDisk = `<p>Alert: <code>KafkaBrokerDiskUsageHigh</code> (&gt; 80&nbsp;% on any broker).</p>
${expand('Why this happens', '<p>Usually a topic with retention by size rather than time, or a consumer that stopped and a compacted topic that grew. Rarely, a broker that lost a volume and is re-replicating.</p>')}
<h2>Steps</h2>
<ol><li><p>Find the biggest topics:</p>${code(
  'bash',
  `kafka-log-dirs.sh --bootstrap-server "$MSK_BOOTSTRAP" --describe \\
  | jq -r '.brokers[].logDirs[].partitions[] | "\\(.size) \\(.partition)"' \\
  | sort -n -r | head -20`,
)}</li>
<li><p>If it is <code>telemetry.v3</code>, check that retention is still 72&nbsp;h (somebody once set it to 7 days).</p></li>
<li><p>Increase storage (MSK supports online expansion, once every 6 hours):</p>${code('bash', 'aws kafka update-broker-storage --cluster-arn "$ARN" --current-version "$VERSION" \\\n  --target-broker-ebs-volume-info \'[{"KafkaBrokerNodeId":"All","VolumeSizeGB":3000}]\'')}</li></ol>`;

/** The On-call &amp; operations section: guide, runbooks and postmortems. */
export const operationsPage: SeedPage = {
  title: 'On-call & operations',
  authorId: ID.daniel,
  createdAt: '2025-03-01T09:00:00Z',
  labels: ['operations', 'on-call'],
  body: `<p>How we run production. New on-call engineers: start with the ${pageLink('On-call guide')}, then skim the ${pageLink('Runbooks')}. Past incidents: ${pageLink('Incident postmortems')}.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2"><ac:parameter ac:name="depth">2</ac:parameter></ac:structured-macro>`,
  children: [
    {
      title: 'On-call guide',
      authorId: ID.daniel,
      createdAt: '2025-03-02T10:00:00Z',
      labels: ['on-call', 'onboarding', 'operations'],
      history: [
        { body: '<p>Rota: see PagerDuty. Runbooks: coming soon.</p>', message: 'Initial version' },
        {
          body: '<h1>On-call guide</h1><p>Weekly rotations start Monday. Acknowledge pages within 5 minutes.</p><h2>Severity levels</h2><p>SEV1, SEV2, SEV3 &mdash; definitions to follow.</p>',
          message: 'Add severities',
          authorId: ID.olu,
        },
      ],
      body: onCallGuide,
    },
    {
      title: 'Runbooks',
      authorId: ID.daniel,
      createdAt: '2025-03-03T10:00:00Z',
      labels: ['runbook'],
      body: `<p>One page per alert or procedure. Template: impact, diagnose, mitigate, follow-up. Keep commands copy-pasteable.</p>${childrenMacro()}`,
      children: [
        {
          title: 'Runbook: telemetry ingest lag',
          authorId: ID.daniel,
          createdAt: '2025-03-04T11:00:00Z',
          labels: ['runbook', 'telemetry', 'kafka'],
          body: ingestLagRunbook,
        },
        {
          title: 'Runbook: Postgres failover',
          authorId: ID.olu,
          createdAt: '2025-03-06T15:30:00Z',
          labels: ['runbook', 'database', 'postgres'],
          body: postgresFailover,
        },
        {
          title: 'Runbook: OTA rollout halt',
          authorId: ID.aiko,
          createdAt: '2025-05-20T08:00:00Z',
          labels: ['runbook', 'ota', 'firmware'],
          body: otaHalt,
        },
        {
          title: 'Runbook: Kafka broker disk full',
          authorId: ID.daniel,
          createdAt: '2025-06-11T13:00:00Z',
          labels: ['runbook', 'kafka'],
          body: kafkaDisk,
        },
      ],
    },
    postmortemsPage,
  ],
};

function childrenMacro(): string {
  return '<ac:structured-macro ac:name="children" ac:schema-version="2"><ac:parameter ac:name="sort">title</ac:parameter></ac:structured-macro>';
}
