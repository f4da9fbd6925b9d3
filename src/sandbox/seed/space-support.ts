import {
  code,
  date,
  emoticon,
  excerpt,
  expand,
  image,
  jira,
  jiraQuery,
  mention,
  pageLink,
  panel,
  propertiesTable,
  status,
} from './storage.js';
import type { SeedPage, SeedSpace } from './types.js';
import { ID } from './users.js';

function article(
  title: string,
  createdAt: string,
  labels: readonly string[],
  summary: string,
  body: string,
): SeedPage {
  return {
    title,
    authorId: ID.ravi,
    createdAt,
    labels: ['kb', ...labels],
    body: `${excerpt(`<p>${summary}</p>`)}${body}`,
  };
}

const noDock = article(
  'Robot does not dock',
  '2025-04-02T10:00:00Z',
  ['troubleshooting', 'docking'],
  'The robot drives to the dock but does not start charging, or keeps retrying the approach.',
  `<h2>Symptoms</h2><ul><li><p>Alert <code>W-108 DOCK_APPROACH_RETRY</code> three or more times</p></li><li><p>Robot stops 10&ndash;30&nbsp;cm in front of the dock</p></li></ul>
<h2>Checks, in order</h2>
<ol><li><p><strong>Is the dock powered?</strong> The LED ring is solid blue when idle. No light: check the wall socket and fuse.</p></li>
<li><p><strong>Are the contacts clean?</strong> Wipe both the dock and robot contacts with a dry cloth. Never use solvents.</p></li>
<li><p><strong>Is the dock where the map says?</strong> A dock moved by even 5&nbsp;cm breaks the final approach.</p>
<ol><li><p>open the site map in the console</p></li><li><p>select the dock; compare with the marker on the floor</p><ul><li><p>if different, use <em>Re-register dock</em> (site lead role needed)</p></li></ul></li></ol></li></ol>
${image('dock-contacts.jpg', 'Dock contacts: clean (left) and corroded (right)', 480)}
${panel('tip', `<p>If several robots fail at the same dock, it is the dock. If one robot fails at every dock, it is the robot: open a maintenance ticket. Escalation: ${pageLink('Escalation matrix')}.</p>`)}`,
);

const e214 = article(
  'Error E-214: lidar calibration failed',
  '2025-05-08T09:00:00Z',
  ['troubleshooting', 'lidar', 'error-code'],
  'E-214 means the lidar self-calibration at start-up did not converge; the robot refuses to drive.',
  `${propertiesTable([
    ['Error code', '<code>E-214 LIDAR_CALIBRATION_FAILED</code>'],
    ['Severity', status('Red', 'Critical')],
    ['Affects', 'AR-7 (all), AR-9 (firmware &lt; 2026.1)'],
  ])}
<h2>Cause</h2><p>Usually a dirty or scratched lidar window, or a robot started facing a large mirror or glass wall.</p>
<h2>Resolution</h2><ol><li><p>Clean the lidar window with the microfibre cloth from the service kit.</p></li><li><p>Move the robot so it faces a normal wall, 1&ndash;3&nbsp;m away.</p></li><li><p>Restart calibration from the console: <em>Robot &gt; Service &gt; Calibrate lidar</em>, or through the API:</p>
${code(
  'bash',
  `curl -sS -X POST "https://api.acme-robotics.example/v3/robots/AR9-00421/reboot" \\
  -H "Authorization: Bearer $ACME_API_KEY" -H "Idempotency-Key: $(uuidgen)"`,
)}</li></ol>
<p>If it fails three times, the lidar needs replacing: ${jira('HW-102')}.</p>`,
);

const wifi = article(
  'Telemetry gaps after Wi-Fi roaming',
  '2025-09-15T14:00:00Z',
  ['troubleshooting', 'network', 'telemetry'],
  'Gaps of 10&ndash;60 seconds in robot telemetry at sites with many access points are usually slow Wi-Fi roaming.',
  `<p>Robots buffer telemetry on board and send it later, so <strong>no data is lost</strong>; the console just shows the robot as stale for a while.</p>
<h2>What to ask the customer&rsquo;s IT team</h2>
<ul><li><p>Enable 802.11r (fast BSS transition) and 802.11k on the robot SSID.</p></li><li><p>Minimum RSSI for roaming around &minus;70&nbsp;dBm.</p></li><li><p>No captive portal or client isolation on the robot SSID.</p></li></ul>
${code(
  'json',
  `{
  "ssid": "ACME-ROBOTS",
  "band": "5GHz",
  "fast_transition": true,
  "rrm_neighbor_report": true,
  "min_rssi_dbm": -70,
  "client_isolation": false
}`,
  { title: 'Recommended SSID settings (as shared with customers)' },
)}`,
);

const rotateKey = article(
  'How to rotate a customer API key',
  '2025-06-20T11:00:00Z',
  ['howto', 'api', 'security'],
  'Replace an API key without downtime: create the new key, switch the integration, then revoke the old key.',
  `<ol><li><p>In the console, <em>Settings &gt; API keys &gt; Create key</em>, with the same scopes as the old key.</p></li><li><p>Give the new key to the integrator through the secure share link (expires in 24&nbsp;h).</p></li><li><p>Watch <em>Last used</em> on the old key; when it has not been used for 24&nbsp;h, revoke it.</p></li></ol>
${panel('warning', '<p>Never send keys by e-mail or paste them into tickets. If a key leaks, revoke it immediately and tell the customer.</p>')}
<p>API details: ${pageLink('Fleet API v3 reference', { space: 'ENG', anchor: 'api-keys', text: 'API keys in the API reference' })}.</p>`,
);

const exportLogs = article(
  'How to export mission logs',
  '2025-07-03T09:30:00Z',
  ['howto', 'missions', 'export'],
  'Export mission history for a site as CSV (console) or JSON (API), for billing or audits.',
  `<h2>From the console</h2><p><em>Missions &gt; Filter &gt; Export CSV</em>. Limit: 100&nbsp;000 rows; for more, use the API.</p>
<h2>With the API</h2>
${code(
  'python',
  `import csv
import os

import requests

BASE = "https://api.acme-robotics.example/v3"
headers = {"Authorization": f"Bearer {os.environ['ACME_API_KEY']}"}
params = {"site_id": "site-0042", "state": "completed", "limit": 200}

with open("missions.csv", "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["id", "robot_id", "created_at", "state"])
    while True:
        page = requests.get(f"{BASE}/missions", headers=headers, params=params, timeout=30).json()
        for m in page["items"]:
            writer.writerow([m["id"], m["robot_id"], m["created_at"], m["state"]])
        if not page.get("next_cursor"):
            break
        params["cursor"] = page["next_cursor"]`,
  { title: 'export_missions.py' },
)}`,
);

const scheduleOta = article(
  'How to schedule a firmware update',
  '2025-08-11T10:00:00Z',
  ['howto', 'ota', 'firmware'],
  'Schedule an OTA update for a site in its night window, in batches, with automatic halt on failures.',
  `<ol><li><p>Check the release notes for the version (for example ${pageLink('Release notes 2026.3', { space: 'PROD' })}).</p></li><li><p>In the console: <em>Fleet &gt; Firmware &gt; New campaign</em>; pick robots or a whole site.</p></li><li><p>Keep the default batch size (10&nbsp;%) and window (01:00&ndash;05:00 site time).</p></li></ol>
${panel('note', `<p>Robots on board revision C need 2026.1.1 or later. See ${pageLink('Postmortem 2026-01-22: OTA update stalled at 40%', { space: 'ENG', text: 'the January incident' })}.</p>`)}`,
);

const knownIssues = `<p>Issues customers may hit, with workarounds. Updated by support; engineering status comes from Jira.</p>
<table data-layout="wide"><tbody><tr><th><p>Issue</p></th><th><p>Workaround</p></th><th><p>Jira</p></th><th><p>Status</p></th></tr>
<tr><td><p>Map editor is slow with more than 500 zones</p></td><td><p>Split the site into floors</p></td><td><p>${jira('FLEET-1490')}</p></td><td><p>${status('Blue', 'In progress')}</p></td></tr>
<tr><td><p>CSV export uses the browser&rsquo;s time zone, not the site&rsquo;s</p></td><td><p>Use the API export</p></td><td><p>${jira('FLEET-1497')}</p></td><td><p>${status('Yellow', 'Planned')}</p></td></tr>
<tr><td><p>Webhook deliveries delayed up to 5 min during deploys</p></td><td><p>None needed; deliveries are retried</p></td><td><p>${jira('FLEET-1503')}</p></td><td><p>${status('Green', 'Fixed in 2026.4')}</p></td></tr></tbody></table>
<h2>All open customer-facing bugs</h2>
${jiraQuery('project = FLEET AND type = Bug AND labels = customer-facing AND resolution = Unresolved', 'key,summary,priority,status,updated')}`;

const escalation = `<p>Who to call when. Business hours are 08:00&ndash;18:00 in the customer&rsquo;s time zone.</p>
<table data-layout="wide"><tbody>
<tr><th rowspan="2"><p>Severity</p></th><th colspan="2"><p>Business hours</p></th><th colspan="2"><p>Out of hours</p></th></tr>
<tr><th><p>First</p></th><th><p>Then</p></th><th><p>First</p></th><th><p>Then</p></th></tr>
<tr><td><p>${status('Red', 'SEV1')} robots stopped</p></td><td colspan="2"><p>Page engineering on-call immediately<br />PagerDuty service <code>fleet-prod</code></p></td><td colspan="2"><p>Same: page engineering on-call</p></td></tr>
<tr><td><p>${status('Yellow', 'SEV2')} degraded</p></td><td><p>${mention(ID.ravi)} (support lead)</p></td><td><p>${mention(ID.daniel)}</p></td><td rowspan="2"><p>Next business day, unless the customer upgrades severity</p></td><td rowspan="2"><p>&mdash;</p></td></tr>
<tr><td><p>${status('Blue', 'SEV3')} question</p></td><td><p>Support queue</p></td><td><p>Product (${mention(ID.sofia)})</p></td></tr>
</tbody></table>
${expand('Phone numbers', '<p>In PagerDuty and the support handbook. Not on this page on purpose.</p>')}`;

/** The customer support knowledge base (a knowledge_base space). */
export const supportSpace: SeedSpace = {
  key: 'SUP',
  name: 'Customer Support Knowledge Base',
  type: 'knowledge_base',
  status: 'current',
  description: 'Troubleshooting guides and how-to articles for the support team and customers.',
  authorId: ID.ravi,
  createdAt: '2025-04-01T09:00:00Z',
  labels: ['support', 'knowledge-base'],
  homepage: {
    title: 'Support Knowledge Base Home',
    authorId: ID.ravi,
    createdAt: '2025-04-01T09:00:00Z',
    body: `<h1>How can we help? ${emoticon('information')}</h1>
<p>Articles for support engineers. Customer-safe articles are labelled <code>public</code> and synced to the help centre.</p>
<ac:structured-macro ac:name="contentbylabel" ac:schema-version="3"><ac:parameter ac:name="cql">label = "troubleshooting" and space = currentSpace()</ac:parameter><ac:parameter ac:name="max">10</ac:parameter></ac:structured-macro>
<p>Last reviewed ${date('2026-03-02')} by ${mention(ID.ravi)}.</p>`,
    children: [
      {
        title: 'Troubleshooting',
        authorId: ID.ravi,
        createdAt: '2025-04-01T10:00:00Z',
        labels: ['troubleshooting'],
        body: '<p>Symptom-first guides.</p><ac:structured-macro ac:name="children" ac:schema-version="2" />',
        children: [noDock, e214, wifi],
      },
      {
        title: 'How-to articles',
        authorId: ID.ravi,
        createdAt: '2025-04-01T10:30:00Z',
        labels: ['howto'],
        body: '<p>Step-by-step tasks.</p><ac:structured-macro ac:name="children" ac:schema-version="2" />',
        children: [rotateKey, exportLogs, scheduleOta],
      },
      {
        title: 'Known issues',
        authorId: ID.ravi,
        createdAt: '2025-04-03T09:00:00Z',
        labels: ['known-issues'],
        body: knownIssues,
      },
      {
        title: 'Escalation matrix',
        authorId: ID.ravi,
        createdAt: '2025-04-03T11:00:00Z',
        labels: ['escalation', 'process'],
        body: escalation,
      },
    ],
  },
};
