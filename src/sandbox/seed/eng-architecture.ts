import { adrIndexPage } from './eng-adrs.js';
import { serviceCataloguePage } from './eng-service-inventory.js';
import {
  anchor,
  anchorLink,
  attachmentLink,
  code,
  emoticon,
  excerpt,
  expand,
  image,
  jira,
  mention,
  pageLink,
  panel,
  status,
  toc,
} from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

const overviewV1 = `<p>Work in progress. This page will describe how the Acme fleet platform fits together.</p>
<ul><li><p>Robots talk to the cloud over MQTT</p></li><li><p>Everything else is HTTP</p></li></ul>`;

const overviewV2 = `<h1>Architecture overview</h1>
<p>The fleet platform has three layers: the <strong>robot</strong> (firmware and the on-board agent), the
<strong>edge gateway</strong> at each customer site, and the <strong>cloud</strong> (our AWS accounts in eu-west-2 and
us-east-1).</p>
<p>Robots publish telemetry over MQTT to the gateway, which forwards batches to the cloud ingest API.</p>`;

const overviewV3 = `<h1>Architecture overview</h1>
<p>The fleet platform has three layers: the <strong>robot</strong>, the <strong>edge gateway</strong> and the
<strong>cloud</strong>. See the diagram below.</p>
${image('fleet-platform-overview-v1.png', 'Fleet platform overview (first draft)', 500)}
<h2>Data flows</h2>
<ol><li><p>Telemetry: robot &gt; gateway &gt; <code>telemetry-ingest</code> &gt; Kafka &gt; TimescaleDB</p></li>
<li><p>Commands: console &gt; <code>mission-api</code> &gt; gateway &gt; robot</p></li></ol>`;

const overviewBody = `${excerpt('<p>How the Acme fleet platform fits together: robots, edge gateways and the cloud services behind the operator console and the public Fleet API.</p>')}
${toc(3)}
<h1>Architecture overview</h1>
<p>Owner: ${mention(ID.jonas)} &middot; Reviewed: <time datetime="2026-02-17" /> &middot; Status: ${status('Green', 'Current')}</p>
${panel('info', '<p>This is the map, not the territory. Each service has its own page under <ac:link><ri:page ri:content-title="Service catalogue" /></ac:link>; decisions and their reasons live in the <ac:link><ri:page ri:content-title="Architecture decision records" /><ac:plain-text-link-body><![CDATA[ADR log]]></ac:plain-text-link-body></ac:link>.</p>', 'Scope')}
<h2>The three layers</h2>
<ac:layout><ac:layout-section ac:type="three_equal"><ac:layout-cell><h3>${emoticon('information')} Robot</h3>
<p>Each <strong>AR-7</strong> or <strong>AR-9</strong> robot runs our Yocto-based firmware and the on-board agent
(<code>acme-agent</code>, Rust). The agent buffers up to 72&nbsp;h of telemetry on local flash and talks MQTT&nbsp;5 to
the site gateway.</p></ac:layout-cell><ac:layout-cell><h3>Edge gateway</h3>
<p>One gateway per customer site (an Intel NUC running k3s). It terminates robot MQTT sessions, runs the local
<em>traffic manager</em> that keeps robots out of each other&rsquo;s way, and forwards batches to the cloud over
HTTPS with mTLS.</p></ac:layout-cell><ac:layout-cell><h3>Cloud</h3>
<p>About 220 services on EKS (see the ${pageLink('Service inventory', { text: 'inventory' })}), two regions:
<code>eu-west-2</code> (primary for EU customers, data stays in the EU) and <code>us-east-1</code>.</p></ac:layout-cell></ac:layout-section>
<ac:layout-section ac:type="single"><ac:layout-cell>${image('fleet-platform-overview.png', 'Fleet platform overview: robots, gateways, cloud', 600)}
<p><em>Figure 1.</em> Source: ${attachmentLink('fleet-platform-overview.drawio', 'fleet-platform-overview.drawio')} (edit in draw.io, then re-export the PNG).</p></ac:layout-cell></ac:layout-section></ac:layout>
<h2>${anchor('data-flows')}Data flows</h2>
<h3>Telemetry (robot to cloud)</h3>
<ol><li><p>The agent samples sensors at 10&nbsp;Hz and publishes compressed frames to <code>fleet/{robotId}/telemetry</code>.</p>
<ol><li><p>Pose, battery and motor currents every frame</p></li><li><p>Lidar health once a second</p>
<ul><li><p>full scans only on request (they are ~2&nbsp;MB each)</p></li><li><p>scan metadata always</p></li></ul></li></ol></li>
<li><p>The gateway batches frames for up to 2&nbsp;s and POSTs them to <code>telemetry-ingest</code>.</p></li>
<li><p><code>telemetry-ingest</code> validates, enriches with site metadata and writes to Kafka topic <code>telemetry.v3</code>.</p></li>
<li><p>Consumers fan out: TimescaleDB (hot, 30 days), S3 Parquet (cold, 7 years), the alerting engine.</p></li></ol>
<h3>Commands (cloud to robot)</h3>
<p>Missions are created in the console or through the public API (${pageLink('Fleet API v3 reference', { text: 'API reference' })}),
stored by <code>mission-api</code>, and pushed to the gateway over a long-lived gRPC stream. The gateway is the only
component that ever talks to a robot; the cloud never opens connections into a customer network.</p>
${panel('warning', '<p>Never add a cloud-to-robot path that bypasses the gateway. It breaks the customer network model we sold to every enterprise customer. See <ac:link><ri:page ri:content-title="ADR-004: Edge gateway is the only path to robots" /></ac:link>.</p>')}
<h2>Key numbers (February 2026)</h2>
<table data-layout="default"><colgroup><col style="width: 260.0px;" /><col style="width: 160.0px;" /><col style="width: 260.0px;" /></colgroup>
<tbody><tr><th><p>Metric</p></th><th><p>Value</p></th><th><p>Notes</p></th></tr>
<tr><td><p>Robots online (peak)</p></td><td><p>4&nbsp;812</p></td><td><p>across 163 customer sites</p></td></tr>
<tr><td><p>Telemetry ingest</p></td><td><p>48k frames/s</p></td><td><p>p99 end-to-end latency 1.9&nbsp;s</p></td></tr>
<tr><td><p>Kafka retention</p></td><td><p>72&nbsp;h</p></td><td><p>matches the agent buffer, on purpose</p></td></tr>
<tr><td><p>Fleet API availability (SLO)</p></td><td><p>99.9&nbsp;%</p></td><td><p>measured monthly; see ${pageLink('On-call guide')}</p></td></tr></tbody></table>
<h2>Known gaps</h2>
<ul><li><p>Map storage is still a single Postgres instance ${jira('FLEET-1423')}</p></li>
<li><p>The <s>legacy</s> <del>v2</del> Fleet API is still used by 11 customers; sunset planned for 2026-Q3.</p></li>
<li><p>Cross-region failover is manual; runbook: ${pageLink('Runbook: Postgres failover', { text: 'Postgres failover' })}.</p></li></ul>
<p>Jump back to ${anchorLink('data-flows', 'data flows')} or read the external primer on
<a href="https://docs.aws.amazon.com/whitepapers/latest/aws-overview/introduction.html">AWS regions</a>.</p>`;

const securityBody = `<h1>Security &amp; compliance</h1>
<p>Owner: ${mention(ID.fatima)}. We hold <strong>ISO/IEC 27001:2022</strong> certification (scope: cloud platform
and support) and complete a SOC&nbsp;2 Type&nbsp;II audit each year.</p>
<h2>Principles</h2>
<ol><li><p>Least privilege: engineers have no standing production access; use ${pageLink('Break-glass access procedure', { text: 'break-glass' })} when you must.</p></li>
<li><p>Customer data stays in its region (EU customers: <code>eu-west-2</code> only).</p></li>
<li><p>Secrets live in AWS Secrets Manager; never in Git, never in Confluence.</p></li></ol>
${panel('warning', '<p>Do <u>not</u> paste customer data, access tokens or private keys into Confluence pages or comments.</p>', 'Handling secrets')}
<h2>Compliance calendar</h2>
<table data-layout="default"><tbody><tr><th><p>Activity</p></th><th><p>When</p></th><th><p>Owner</p></th><th><p>Status</p></th></tr>
<tr><td><p>Access review (quarterly)</p></td><td><p><time datetime="2026-04-01" /></p></td><td><p>${mention(ID.fatima)}</p></td><td><p>${status('Yellow', 'Scheduled')}</p></td></tr>
<tr><td><p>Penetration test</p></td><td><p><time datetime="2026-05-11" /></p></td><td><p>${mention(ID.fatima)}</p></td><td><p>${status('Blue', 'Vendor booked')}</p></td></tr>
<tr><td><p>ISO 27001 surveillance audit</p></td><td><p><time datetime="2026-09-14" /></p></td><td><p>${mention(ID.marcus)}</p></td><td><p>${status('Grey', 'Not started')}</p></td></tr></tbody></table>
<p>Threat models: ${pageLink('Threat model: robot-to-cloud link')}.</p>`;

const breakGlassBody = `<h1>Break-glass access procedure</h1>
${panel('warning', '<p>Restricted to <strong>site-admins</strong>. Every use is audited and reviewed within one working day.</p>', 'Restricted')}
<ol><li><p>Open an incident in PagerDuty (or reference the existing one).</p></li>
<li><p>Request the <code>prod-breakglass</code> role:</p>
${code(
  'bash',
  `aws sso login --profile acme-prod-breakglass
aws sts get-caller-identity --profile acme-prod-breakglass
# The session lasts 60 minutes. Do not extend it; request again if needed.
export AWS_PROFILE=acme-prod-breakglass`,
  { title: 'Assume the break-glass role' },
)}</li>
<li><p>Post in <code>#sec-breakglass</code>: incident id, what you will touch, expected duration.</p></li>
<li><p>When done, run <code>acme-audit close --incident INC-XXXX</code> and attach the session log.</p></li></ol>
<p>Escalation: ${mention(ID.fatima)}, then ${mention(ID.marcus)}.</p>`;

const threatModelBody = `<h1>Threat model: robot-to-cloud link</h1>
<p>Method: STRIDE, reviewed <time datetime="2026-01-29" />. Editing is restricted to the security team; comment
if you think something is missing.</p>
<table data-layout="wide"><tbody>
<tr><th rowspan="2"><p>Asset</p></th><th colspan="2"><p>Threat</p></th><th rowspan="2"><p>Mitigation</p></th></tr>
<tr><th><p>Category</p></th><th><p>Scenario</p></th></tr>
<tr><td rowspan="2"><p>Gateway &harr; cloud channel</p></td><td><p>Spoofing</p></td><td><p>Attacker impersonates a gateway</p></td><td><p>mTLS with per-gateway certs from our private CA; 30-day rotation</p></td></tr>
<tr><td><p>Tampering</p></td><td><p>Batches modified in transit</p></td><td><p>TLS 1.3 only; batch HMAC with site key</p></td></tr>
<tr><td><p>Robot firmware</p></td><td><p>Elevation of privilege</p></td><td><p>Malicious OTA image</p></td><td><p>Images signed (ed25519), verified by the bootloader; see ${pageLink('ADR-011: Sign OTA images with ed25519')}</p></td></tr>
<tr><td><p>Telemetry</p></td><td><p>Information disclosure</p></td><td><p>Site layout leaked through poses</p></td><td><table><tbody><tr><th><p>Control</p></th><th><p>Where</p></th></tr><tr><td><p>Encryption at rest</p></td><td><p>Kafka, TimescaleDB, S3 (KMS)</p></td></tr><tr><td><p>Tenant isolation</p></td><td><p>Row-level security by <code>site_id</code></p></td></tr></tbody></table></td></tr>
</tbody></table>
${expand('Out of scope', '<p>Physical attacks on robots; customer Wi-Fi security; the console (separate model).</p>')}`;

/** The Architecture section of the ENG space. */
export const architecturePage: SeedPage = {
  title: 'Architecture',
  authorId: ID.jonas,
  createdAt: '2025-01-14T10:00:00Z',
  labels: ['architecture'],
  body: `<p>How the fleet platform is built and why. Start with ${pageLink('Architecture overview')}.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2"><ac:parameter ac:name="all">false</ac:parameter><ac:parameter ac:name="sort">title</ac:parameter></ac:structured-macro>`,
  children: [
    {
      title: 'Architecture overview',
      authorId: ID.jonas,
      createdAt: '2025-01-20T14:30:00Z',
      labels: ['architecture', 'overview', 'diagram'],
      history: [
        { body: overviewV1, message: 'Stub' },
        { body: overviewV2, message: 'First pass at the three layers', authorId: ID.jonas },
        { body: overviewV3, message: 'Add diagram and data flows', authorId: ID.daniel },
      ],
      body: overviewBody,
    },
    adrIndexPage,
    serviceCataloguePage,
    {
      title: 'Security & compliance',
      authorId: ID.fatima,
      createdAt: '2025-02-20T08:45:00Z',
      labels: ['security', 'compliance'],
      body: securityBody,
      children: [
        {
          title: 'Break-glass access procedure',
          authorId: ID.fatima,
          createdAt: '2025-02-21T16:00:00Z',
          labels: ['security', 'runbook', 'restricted'],
          viewRestriction: { groups: ['site-admins'] },
          body: breakGlassBody,
        },
        {
          title: 'Threat model: robot-to-cloud link',
          authorId: ID.fatima,
          createdAt: '2025-03-05T13:20:00Z',
          labels: ['security', 'threat-model'],
          editRestriction: { users: [ID.fatima] },
          body: threatModelBody,
        },
      ],
    },
  ],
};
