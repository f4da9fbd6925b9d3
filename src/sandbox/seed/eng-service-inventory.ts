import { telemetryServicePage } from './eng-telemetry-service.js';
import { esc, mention, pageLink, panel, type StatusColour, seededRandom, status } from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

/** Title of the page holding the 200+ row service table. */
export const SERVICE_INVENTORY_TITLE = 'Service inventory';

interface Domain {
  name: string;
  what: string;
  team: string;
  owner: string;
}

const DOMAINS: readonly Domain[] = [
  { name: 'telemetry', what: 'robot telemetry frames', team: 'Platform', owner: ID.daniel },
  { name: 'mission', what: 'missions and their stops', team: 'Fleet Ops', owner: ID.priya },
  { name: 'map', what: 'site maps and zones', team: 'Autonomy', owner: ID.zoe },
  { name: 'dock', what: 'docking stations', team: 'Autonomy', owner: ID.zoe },
  { name: 'charging', what: 'charging sessions', team: 'Fleet Ops', owner: ID.priya },
  { name: 'firmware', what: 'firmware builds and releases', team: 'Firmware', owner: ID.aiko },
  { name: 'ota', what: 'over-the-air update campaigns', team: 'Firmware', owner: ID.aiko },
  { name: 'auth', what: 'console logins and sessions', team: 'Identity', owner: ID.fatima },
  { name: 'api-keys', what: 'customer API keys', team: 'Identity', owner: ID.fatima },
  { name: 'billing', what: 'usage metering and invoices', team: 'Commerce', owner: ID.olu },
  { name: 'notification', what: 'e-mail, SMS and push notifications', team: 'Platform', owner: ID.olu },
  { name: 'alerting', what: 'fleet alerts and escalations', team: 'Fleet Ops', owner: ID.daniel },
  { name: 'vision', what: 'camera frames and detections', team: 'Autonomy', owner: ID.zoe },
  { name: 'lidar', what: 'lidar scans and calibration', team: 'Autonomy', owner: ID.aiko },
  { name: 'navigation', what: 'path planning requests', team: 'Autonomy', owner: ID.zoe },
  { name: 'traffic', what: 'multi-robot traffic rules', team: 'Autonomy', owner: ID.zoe },
  { name: 'simulation', what: 'simulated sites and robots', team: 'Autonomy', owner: ID.aiko },
  { name: 'customer', what: 'customer accounts and sites', team: 'Commerce', owner: ID.sofia },
  { name: 'partner', what: 'integrator partner access', team: 'Commerce', owner: ID.sofia },
  { name: 'audit', what: 'audit trail events', team: 'Identity', owner: ID.fatima },
  { name: 'search', what: 'console search', team: 'Console', owner: ID.priya },
  { name: 'reporting', what: 'utilisation and uptime reports', team: 'Data', owner: ID.olu },
  { name: 'maintenance', what: 'maintenance tickets and parts', team: 'Fleet Ops', owner: ID.daniel },
  {
    name: 'gateway-registry',
    what: 'edge gateways and their certificates',
    team: 'Platform',
    owner: ID.daniel,
  },
  { name: 'webhook', what: 'customer webhooks', team: 'Console', owner: ID.priya },
  { name: 'console', what: 'the operator console', team: 'Console', owner: ID.priya },
  { name: 'inventory', what: 'robot hardware inventory', team: 'Fleet Ops', owner: ID.daniel },
  { name: 'safety', what: 'safety events and e-stops', team: 'Autonomy', owner: ID.zoe },
  { name: 'analytics', what: 'analytics pipelines', team: 'Data', owner: ID.olu },
  { name: 'feature-flag', what: 'feature flags', team: 'Platform', owner: ID.jonas },
];

interface Component {
  suffix: string;
  describe: (what: string) => string;
  languages: readonly string[];
}

const COMPONENTS: readonly Component[] = [
  { suffix: 'api', describe: (w) => `HTTP API for ${w}`, languages: ['TypeScript', 'Go'] },
  { suffix: 'worker', describe: (w) => `Background jobs for ${w}`, languages: ['TypeScript', 'Go'] },
  {
    suffix: 'consumer',
    describe: (w) => `Kafka consumer applying ${w} events`,
    languages: ['Go', 'TypeScript'],
  },
  { suffix: 'scheduler', describe: (w) => `Schedules periodic work on ${w}`, languages: ['TypeScript'] },
  { suffix: 'exporter', describe: (w) => `Exports ${w} to S3 as Parquet`, languages: ['Python', 'Go'] },
  { suffix: 'sync', describe: (w) => `Synchronises ${w} to edge gateways`, languages: ['Go', 'Rust'] },
  { suffix: 'indexer', describe: (w) => `Indexes ${w} into OpenSearch`, languages: ['TypeScript', 'Java'] },
  { suffix: 'gateway', describe: (w) => `gRPC facade over ${w} for gateways`, languages: ['Go'] },
  { suffix: 'admin', describe: (w) => `Internal admin UI for ${w}`, languages: ['TypeScript'] },
  {
    suffix: 'migrator',
    describe: (w) => `One-off and scheduled migrations of ${w}`,
    languages: ['Python', 'TypeScript'],
  },
];

const TIERS: readonly [string, StatusColour][] = [
  ['Tier 1', 'Red'],
  ['Tier 2', 'Yellow'],
  ['Tier 3', 'Blue'],
];
const LIFECYCLE: readonly [string, StatusColour][] = [
  ['Production', 'Green'],
  ['Production', 'Green'],
  ['Production', 'Green'],
  ['Beta', 'Purple'],
  ['Deprecated', 'Grey'],
];
const RUNTIMES: Record<string, string> = {
  TypeScript: 'Node.js 22',
  Go: 'Go 1.23',
  Python: 'Python 3.12',
  Rust: 'Rust 1.83',
  Java: 'Java 21 (Temurin)',
};

interface ServiceRow {
  name: string;
  description: string;
  domain: Domain;
  language: string;
  port: number;
  tier: [string, StatusColour];
  lifecycle: [string, StatusColour];
  regions: string;
}

function buildServices(count: number): ServiceRow[] {
  const random = seededRandom(20250204);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const rows: ServiceRow[] = [];
  const seen = new Set<string>();
  let port = 8080;
  while (rows.length < count) {
    const domain = pick(DOMAINS);
    const component = pick(COMPONENTS);
    const name = `${domain.name}-${component.suffix}`;
    if (seen.has(name)) continue;
    seen.add(name);
    port += 1 + Math.floor(random() * 3);
    rows.push({
      name,
      description: component.describe(domain.what),
      domain,
      language: pick(component.languages),
      port,
      tier:
        component.suffix === 'api' || component.suffix === 'gateway'
          ? (TIERS[0] as [string, StatusColour])
          : [...pick(TIERS)],
      lifecycle: [...pick(LIFECYCLE)],
      regions: random() < 0.8 ? 'eu-west-2, us-east-1' : 'eu-west-2',
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

const services = buildServices(224);

function row(service: ServiceRow): string {
  const repo = `https://github.com/acme-robotics/platform/tree/main/services/${service.name}`;
  const dashboard = `https://grafana.acme-robotics.example/d/svc-${service.name}?orgId=1&amp;var-env=prod`;
  return `<tr><td><p><code>${service.name}</code></p></td><td><p>${esc(service.description)}</p></td><td><p>${service.domain.team}</p></td><td><p>${status(service.tier[1], service.tier[0])}</p></td><td><p>${service.language} (${RUNTIMES[service.language]})</p></td><td><p>${service.port} / ${service.port + 1000}</p></td><td><p>${service.regions}</p></td><td><p>${mention(service.domain.owner)}</p></td><td><p><a href="${repo}">repo</a> &middot; <a href="${dashboard}">dashboard</a></p></td><td><p>${status(service.lifecycle[1], service.lifecycle[0])}</p></td></tr>`;
}

const teams = [...new Set(DOMAINS.map((d) => d.team))].sort();
const perTeam = teams
  .map(
    (team) =>
      `<tr><td><p>${team}</p></td><td><p>${services.filter((s) => s.domain.team === team).length}</p></td></tr>`,
  )
  .join('');

const inventoryBody = `<p>Every service running in our EKS clusters, generated weekly from the <code>service.yaml</code> files in
<a href="https://github.com/acme-robotics/platform">acme-robotics/platform</a> and reviewed by the owning teams.
${services.length} services at the last update. Ports: <em>service port / admin port</em>; admin ports serve
<code>/metrics</code>, <code>/healthz</code> and <code>/readyz</code>.</p>
${panel('info', `<p>Tier 1 services page the on-call engineer 24/7; tier 2 during working hours; tier 3 never pages. See ${pageLink('On-call guide')}.</p>`, 'Tiers')}
<h2>Services per team</h2>
<table data-layout="default"><tbody><tr><th><p>Team</p></th><th><p>Services</p></th></tr>${perTeam}</tbody></table>
<h2>All services</h2>
<table data-layout="full-width"><colgroup><col style="width: 210.0px;" /><col style="width: 300.0px;" /><col /><col /><col /><col /><col /><col /><col /><col /></colgroup>
<tbody><tr><th><p>Service</p></th><th><p>Description</p></th><th><p>Team</p></th><th><p>Tier</p></th><th><p>Language</p></th><th><p>Ports</p></th><th><p>Regions</p></th><th><p>Owner</p></th><th><p>Links</p></th><th><p>Lifecycle</p></th></tr>
${services.map(row).join('\n')}
</tbody></table>`;

/** The service catalogue section, with the large inventory table as its first child. */
export const serviceCataloguePage: SeedPage = {
  title: 'Service catalogue',
  authorId: ID.daniel,
  createdAt: '2025-02-03T10:00:00Z',
  labels: ['services', 'architecture'],
  body: `<p>Where to find what runs in production and who owns it.</p>
<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><h3>Inventory</h3>
<p>${pageLink(SERVICE_INVENTORY_TITLE)} lists all ${services.length} services with owner, tier and ports.</p></ac:layout-cell>
<ac:layout-cell><h3>Deep dives</h3><ul><li><p>${pageLink('Fleet Telemetry Service')}</p></li><li><p>${pageLink('Fleet API v3 reference')}</p></li></ul></ac:layout-cell></ac:layout-section></ac:layout>`,
  children: [
    {
      title: SERVICE_INVENTORY_TITLE,
      authorId: ID.deployBot,
      createdAt: '2025-02-04T06:00:00Z',
      labels: ['services', 'inventory', 'generated'],
      history: [
        {
          body: '<p>Generated inventory (first run): 187 services.</p>',
          message: 'Automated update by service-catalog-sync',
        },
        {
          body: '<p>Generated inventory: 203 services. The table moved to a wider layout.</p>',
          message: 'Automated update by service-catalog-sync',
          minorEdit: true,
        },
      ],
      body: inventoryBody,
    },
    telemetryServicePage,
  ],
};
