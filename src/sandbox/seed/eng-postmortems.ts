import {
  code,
  date,
  emoticon,
  excerpt,
  image,
  jira,
  mention,
  pageLink,
  panel,
  status,
  taskList,
} from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

function timeline(rows: readonly [string, string][]): string {
  const body = rows
    .map(([time, event]) => `<tr><td><p><code>${time}</code></p></td><td><p>${event}</p></td></tr>`)
    .join('');
  return `<table data-layout="default"><colgroup><col style="width: 120.0px;" /><col style="width: 640.0px;" /></colgroup><tbody><tr><th><p>Time (UTC)</p></th><th><p>Event</p></th></tr>${body}</tbody></table>`;
}

const ingestOutage = `${excerpt(`<p>${status('Red', 'SEV1')} Telemetry ingest was down for 47 minutes after a Kafka client upgrade; robot positions in the console froze at all sites.</p>`)}
<table data-layout="default"><tbody>
<tr><th><p>Date</p></th><td><p>${date('2025-11-04')}</p></td><th><p>Duration</p></th><td><p>47 min (ingest), 2&nbsp;h&nbsp;10&nbsp;min (backlog drained)</p></td></tr>
<tr><th><p>Incident commander</p></th><td><p>${mention(ID.daniel)}</p></td><th><p>Author</p></th><td><p>${mention(ID.priya)}</p></td></tr>
<tr><th><p>Customer impact</p></th><td colspan="3"><p>163 sites saw frozen robot positions; 41 low-battery alerts arrived 20&ndash;50 minutes late. No robot stopped; no data lost.</p></td></tr>
</tbody></table>
<h2>Summary</h2>
<p>A routine upgrade of the Kafka client library in <code>telemetry-ingest</code> changed the default of
<code>enable.idempotence</code> to <code>true</code>. Our MSK cluster&rsquo;s ACLs did not grant <code>IDEMPOTENT_WRITE</code>,
so every produce request failed with <code>ClusterAuthorizationException</code>. The readiness probe only checked
HTTP, so Kubernetes kept the broken pods in service.</p>
<h2>Timeline</h2>
${timeline([
  ['14:02', 'Argo CD syncs <code>telemetry-ingest</code> 3.18.0 to eu-west-2 production.'],
  ['14:03', 'Produce errors start; gateways retry and buffer.'],
  ['14:09', `<code>TelemetryIngestErrorRate</code> pages ${mention(ID.priya)} (primary).`],
  ['14:14', 'Priya declares SEV2, opens <code>#inc-2025-11-04-ingest</code>.'],
  [
    '14:21',
    `Support reports frozen robots at three sites; upgraded to SEV1. ${mention(ID.daniel)} takes IC.`,
  ],
  [
    '14:33',
    'Error identified in logs: <code>ClusterAuthorizationException: Cluster authorization failed</code>.',
  ],
  ['14:41', 'Decision: roll back rather than fix ACLs under pressure.'],
  ['14:49', 'Rollback to 3.17.4 complete; produce succeeds; backlog draining.'],
  ['16:59', 'Gateway buffers empty; consumer lag back to normal. Incident closed.'],
])}
<h2>What went well</h2>
<ul><li><p>Gateways buffered everything: <strong>zero data loss</strong>. ${emoticon('tick')}</p></li><li><p>Rollback through Argo CD took 8 minutes.</p></li></ul>
<h2>What went wrong</h2>
<ul><li><p>Readiness probe did not exercise the Kafka producer.</p></li>
<li><p>Staging MSK has broader ACLs than production, so the bug could not show up there.</p></li>
<li><p>It took 12 minutes to upgrade severity; support noticed before our alerts did.</p></li></ul>
${image('ingest-lag-2025-11-04.png', 'Consumer lag during the incident, peaking at 81M messages', 700)}
<hr />
<h2>Action items</h2>
${taskList([
  {
    done: true,
    body: `Readiness probe produces to a canary topic ${mention(ID.olu)} ${date('2025-11-14')} ${jira('PLAT-251')}`,
  },
  { done: true, body: `Align staging MSK ACLs with production ${mention(ID.daniel)} ${date('2025-11-21')}` },
  {
    done: false,
    body: `Alert on stale console positions (journey SLO) ${mention(ID.daniel)} ${date('2026-03-31')}`,
  },
  {
    done: false,
    body: `Canary deploys for tier-1 ingest services ${mention(ID.priya)} ${date('2026-04-15')}`,
  },
])}`;

const otaStalled = `${excerpt(`<p>${status('Yellow', 'SEV2')} OTA campaign for 2026.1.0 stalled at 40&nbsp;%; 17 AR-7 robots failed to roll back and needed a site visit.</p>`)}
<table data-layout="default"><tbody>
<tr><th><p>Date</p></th><td><p>${date('2026-01-22')}</p></td></tr>
<tr><th><p>Incident commander</p></th><td><p>${mention(ID.aiko)}</p></td></tr>
<tr><th><p>Affected</p></th><td><ul><li><p>312 robots updated (OK)</p></li><li><p>54 robots failed health checks</p><ul><li><p>37 rolled back automatically</p></li><li><p>17 stuck in the bootloader</p></li></ul></li></ul></td></tr>
</tbody></table>
<h2>Summary</h2>
<p>Firmware 2026.1.0 shipped a new lidar driver that needs 40&nbsp;MB more RAM at start-up. On AR-7 robots with the
older 1&nbsp;GB board (revision C), the agent was OOM-killed during the health check window, so the update was marked bad.
The rollback then hit a bootloader timeout on boards with a worn eMMC.</p>
<h2>Timeline</h2>
${timeline([
  ['01:00', 'Campaign <code>ota_01HQZ4</code> starts its first batch (10&nbsp;%).'],
  [
    '01:40',
    'Batch 4 begins; failure rate crosses 5&nbsp;%; campaign halts itself. No page (by design, night-time).',
  ],
  [
    '07:12',
    `Customer in Zürich reports three robots &ldquo;dead&rdquo; at shift start. ${mention(ID.ravi)} escalates from support.`,
  ],
  ['07:30', `${mention(ID.aiko)} confirms bootloader timeouts; firmware on-call engaged.`],
  ['09:05', 'Root cause found: OOM kills on board revision C. Release pulled for AR-7.'],
  ['Jan 23&ndash;27', 'Technicians visit four sites to reflash 17 robots.'],
])}
<h2>Root cause</h2>
${code(
  'bash',
  `# dmesg on an affected robot (excerpt)
[   41.207113] Out of memory: Killed process 612 (acme-agent) total-vm:402112kB, anon-rss:198344kB
[   41.209840] oom_reaper: reaped process 612 (acme-agent), now anon-rss:0kB
# health check window is 600 s; the agent restarted 4 times and never reported healthy
journalctl -u acme-agent --since "01:00" | grep -c "Started acme-agent"   # => 5`,
  { title: 'Evidence' },
)}
${panel('tip', `<p>Board revision is in the robot&rsquo;s hardware inventory; campaigns can now target by revision. See ${pageLink('Runbook: OTA rollout halt')}.</p>`)}
<hr />
<h2>Action items</h2>
${taskList([
  { done: true, body: `Campaign targeting by board revision ${mention(ID.priya)} ${date('2026-02-06')}` },
  {
    done: true,
    body: `Memory budget check in firmware CI (fail if peak RSS &gt; 160&nbsp;MB on rev C) ${mention(ID.zoe)} ${date('2026-02-13')}`,
  },
  {
    done: false,
    body: `Page firmware on-call when a campaign halts itself, even at night ${mention(ID.aiko)} ${date('2026-03-06')}`,
  },
  {
    done: false,
    body: `Replace worn eMMC on rev C boards during the next service visit ${mention(ID.daniel)} ${date('2026-06-30')} ${jira('HW-88')}`,
  },
])}`;

/** The postmortem index and two full postmortems with timelines and action items. */
export const postmortemsPage: SeedPage = {
  title: 'Incident postmortems',
  authorId: ID.daniel,
  createdAt: '2025-03-10T09:00:00Z',
  labels: ['incident', 'postmortem'],
  body: `<p>Blameless postmortems for every SEV1 and for SEV2 incidents that lasted over an hour. Write it within five working days; review it in the platform sync.</p>
<blockquote><p>&ldquo;Failure is not the opposite of success; it&rsquo;s part of success.&rdquo; &mdash; on the whiteboard in the London office</p></blockquote>
<table data-layout="default"><tbody><tr><th><p>Date</p></th><th><p>Incident</p></th><th><p>Severity</p></th></tr>
<tr><td><p>${date('2025-11-04')}</p></td><td><p>${pageLink('Postmortem 2025-11-04: telemetry ingest outage')}</p></td><td><p>${status('Red', 'SEV1')}</p></td></tr>
<tr><td><p>${date('2026-01-22')}</p></td><td><p>${pageLink('Postmortem 2026-01-22: OTA update stalled at 40%')}</p></td><td><p>${status('Yellow', 'SEV2')}</p></td></tr>
</tbody></table>`,
  children: [
    {
      title: 'Postmortem 2025-11-04: telemetry ingest outage',
      authorId: ID.priya,
      createdAt: '2025-11-06T10:30:00Z',
      labels: ['postmortem', 'incident', 'telemetry', 'kafka'],
      history: [
        {
          body: '<p>Draft: timeline to follow. Impact: console positions frozen for ~47 minutes.</p>',
          message: 'Draft',
        },
        {
          body: `<h2>Summary</h2><p>Kafka client upgrade enabled idempotent producer; ACLs missing. Rolled back.</p>${timeline(
            [
              ['14:02', 'Deploy'],
              ['14:49', 'Rollback complete'],
            ],
          )}`,
          message: 'Timeline skeleton',
        },
      ],
      body: ingestOutage,
    },
    {
      title: 'Postmortem 2026-01-22: OTA update stalled at 40%',
      authorId: ID.aiko,
      createdAt: '2026-01-26T08:15:00Z',
      labels: ['postmortem', 'incident', 'ota', 'firmware'],
      body: otaStalled,
    },
  ],
};
