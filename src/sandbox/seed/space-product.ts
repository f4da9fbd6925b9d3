import { prdPages } from './product-prds.js';
import { releaseNotesPage } from './product-releases.js';
import {
  date,
  emoji,
  excerpt,
  expand,
  jira,
  jiraQuery,
  mention,
  pageLink,
  panel,
  type StatusColour,
  status,
  toc,
} from './storage.js';
import type { SeedSpace } from './types.js';
import { ID } from './users.js';

type Item = [title: string, colour: StatusColour, state: string, detail: string];

function column(items: readonly Item[]): string {
  return items
    .map(
      ([title, colour, state, detail]) => `<h4>${title}</h4><p>${status(colour, state)}</p><p>${detail}</p>`,
    )
    .join('');
}

const roadmap = `${toc(2)}
<h1>Product roadmap 2026</h1>
<p>Owner: ${mention(ID.sofia)} &middot; Last reviewed ${date('2026-03-23')} &middot; Changes go through the monthly product review.</p>
${panel('info', '<p>Dates are targets, not promises. Anything in <em>Later</em> may change. Do not share this page with customers; use the public roadmap deck instead.</p>')}
<h2>Now, next, later</h2>
<ac:layout><ac:layout-section ac:type="three_equal"><ac:layout-cell><h3>Now (Q1&ndash;Q2)</h3>
${column([
  [
    'Fleet health dashboard',
    'Green',
    'In progress',
    `${pageLink('PRD: Fleet health dashboard')} &mdash; beta with 5 customers in April.`,
  ],
  ['v2 API sunset', 'Yellow', 'At risk', '7 customers have not planned their migration.'],
  ['Customer API keys with scopes', 'Blue', 'Design', `${pageLink('PRD: Customer API keys')}`],
])}</ac:layout-cell><ac:layout-cell><h3>Next (Q3)</h3>
${column([
  ['Autonomous docking v2', 'Blue', 'Discovery', `${pageLink('PRD: Autonomous docking v2')}`],
  [
    'Interactive utilisation reports',
    'Purple',
    'Needs ADR',
    `Depends on ${pageLink('ADR-031: ClickHouse for fleet analytics', { space: 'ENG', text: 'ClickHouse' })}.`,
  ],
])}</ac:layout-cell><ac:layout-cell><h3>Later</h3>
${column([
  ['Multi-floor missions (elevators)', 'Grey', 'Idea', 'Needs elevator vendor integrations.'],
  ['Robot-to-robot hand-over', 'Grey', 'Idea', 'Customer requests from 3 hospitals.'],
  ['Self-serve site onboarding', 'Red', 'Paused', 'Paused until the site map editor is rebuilt.'],
])}</ac:layout-cell></ac:layout-section></ac:layout>
<h2>Quarter by quarter</h2>
<table data-layout="wide"><tbody>
<tr><th><p>Theme</p></th><th><p>Q1</p></th><th><p>Q2</p></th><th><p>Q3</p></th><th><p>Q4</p></th></tr>
<tr><th><p>Visibility</p></th><td colspan="2"><p>Fleet health dashboard ${status('Green', 'On track')}</p></td><td colspan="2"><p>Interactive reports ${status('Grey', 'Planned')}</p></td></tr>
<tr><th><p>Platform API</p></th><td><p>v3 pagination docs ${status('Green', 'Done')}</p></td><td><p>API key scopes ${status('Blue', 'Design')}</p></td><td><p>v2 switched off <time datetime="2026-09-30" /></p></td><td><p>Webhooks v2</p></td></tr>
<tr><th><p>Autonomy</p></th><td colspan="4"><p>Autonomous docking v2: discovery Q2, build Q3, GA Q4 ${jira('DOCK-1')}</p></td></tr>
</tbody></table>
<h2>Epics in Jira</h2>
${jiraQuery('project = FLEET AND issuetype = Epic AND fixVersion in (2026.4, 2026.5, 2026.6)', 'key,summary,status,fixversions', 30)}`;

const feedbackRows: readonly [string, string, string, string][] = [
  ['Ocado-like grocery DC, Leeds', 'Robots queue at the same dock at shift change', 'Docking', '2026-01-08'],
  [
    'University hospital, Zürich',
    'Night mode: quieter motors and dimmed lights in wards',
    'Hospital',
    '2026-01-15',
  ],
  ['3PL warehouse, Rotterdam', 'Export mission history as CSV for billing', 'Reporting', '2026-01-19'],
  [
    'Automotive parts, Stuttgart',
    'Alerts to Microsoft Teams, not only e-mail',
    'Notifications',
    '2026-01-27',
  ],
  ['Pharma DC, Basel', 'Audit log export for GxP inspections', 'Compliance', '2026-02-03'],
  ['E-commerce fulfilment, Newark', 'API keys limited to one site', 'API', '2026-02-10'],
  ['Airport baggage, Dublin', 'Robots should avoid zones on a schedule', 'Maps', '2026-02-18'],
  ['Food service, Lyon', 'Battery health trend per robot', 'Fleet health', '2026-02-25'],
];

const feedback = `<p>Raw customer feedback collected by customer success and product. Triage weekly; link the Jira idea when one exists.</p>
<table data-layout="default"><tbody><tr><th><p>Customer</p></th><th><p>Feedback</p></th><th><p>Area</p></th><th><p>Received</p></th></tr>
${feedbackRows.map(([c, f, a, d]) => `<tr><td><p>${c}</p></td><td><p>${f}</p></td><td><p>${a}</p></td><td><p>${date(d)}</p></td></tr>`).join('')}
</tbody></table>`;

const glossary = `${excerpt('<p>Words we use for the product, so that docs, UI and sales decks agree.</p>')}
<table data-layout="default"><tbody><tr><th><p>Term</p></th><th><p>Meaning</p></th><th><p>Don&rsquo;t say</p></th></tr>
<tr><td><p><strong>Site</strong></p></td><td><p>One customer location with its own map and gateway.</p></td><td><p>facility, plant</p></td></tr>
<tr><td><p><strong>Mission</strong></p></td><td><p>An ordered list of stops for one robot.</p></td><td><p>job, task, route</p></td></tr>
<tr><td><p><strong>Stop</strong></p></td><td><p>A zone plus a task (pick, drop, wait, charge).</p></td><td><p>waypoint (that is a navigation term)</p></td></tr>
<tr><td><p><strong>Fleet</strong></p></td><td><p>All robots of one customer, across sites.</p></td><td><p>swarm</p></td></tr>
<tr><td><p><strong>Gateway</strong></p></td><td><p>The edge computer at a site that robots talk to.</p></td><td><p>hub, base station</p></td></tr></tbody></table>`;

const competitors = `<h1>Competitive analysis</h1>
<p>Maintained by ${mention(ID.sofia)}; edits restricted to keep the numbers consistent. Comment with sources if you have new information.</p>
<table data-layout="wide"><tbody>
<tr><th><p>Vendor</p></th><th><p>Strengths</p></th><th><p>Weaknesses</p></th><th><p>Pricing (list)</p></th></tr>
<tr><td><p>NordBot AMR</p></td><td><ul><li><p>Payload up to 1&nbsp;500&nbsp;kg</p></li><li><p>Strong in automotive</p></li></ul></td><td><p>No public API; integrations via consultants.</p></td><td><p>&euro;38k per robot + 12&nbsp;% maintenance</p></td></tr>
<tr><td><p>Kestrel Robotics</p></td><td><ul><li><p>Cheap hardware</p></li><li><p>Good hospital references</p></li></ul></td><td><p>Cloud-only, no edge mode; outages stop robots.</p></td><td><p>$1&nbsp;900 per robot per month (RaaS)</p></td></tr>
<tr><td><p>In-house (customer builds)</p></td><td><p>Full control</p></td><td><p>Fleet management is where they give up; we often replace these.</p></td><td><p>n/a</p></td></tr>
</tbody></table>
${expand('Win/loss notes (Q4 2025)', '<ul><li><p>Won 6 of 9 deals against Kestrel; edge mode was the deciding factor in 4.</p></li><li><p>Lost 2 to NordBot on heavy payloads; not a segment we target.</p></li></ul>')}`;

/** The Product space: roadmap, requirements, release notes. */
export const productSpace: SeedSpace = {
  key: 'PROD',
  name: 'Product',
  type: 'global',
  status: 'current',
  description: 'Roadmap, product requirements, release notes and customer feedback.',
  authorId: ID.sofia,
  createdAt: '2025-02-03T09:00:00Z',
  labels: ['product', 'team-space'],
  homepage: {
    title: 'Product Home',
    authorId: ID.sofia,
    createdAt: '2025-02-03T09:00:00Z',
    body: `<h1>Product ${emoji('compass', '1f9ed', '🧭')}</h1>
<p>Where product management at Acme Robotics writes things down. Team: ${mention(ID.sofia)} (Head of Product), ${mention(ID.tom)} (Design).</p>
<ul><li><p>${pageLink('Product roadmap 2026')}</p></li><li><p>${pageLink('Requirements')}</p></li><li><p>${pageLink('Release notes')}</p></li><li><p>${pageLink('Product glossary')}</p></li></ul>
<p>Engineering lives in ${pageLink('Engineering Home', { space: 'ENG', text: 'the Engineering space' })}.</p>`,
    children: [
      {
        title: 'Product roadmap 2026',
        authorId: ID.sofia,
        createdAt: '2025-12-01T10:00:00Z',
        labels: ['roadmap', 'planning'],
        history: [
          {
            body: '<h1>Product roadmap 2026</h1><p>Draft for the December leadership offsite.</p>',
            message: 'Draft',
          },
          {
            body: `<h1>Product roadmap 2026</h1><p>${status('Green', 'Fleet health dashboard')} ${status('Blue', 'API key scopes')} ${status('Grey', 'Docking v2')}</p>`,
            message: 'After offsite',
          },
        ],
        body: roadmap,
      },
      ...prdPages,
      releaseNotesPage,
      {
        title: 'Customer feedback log',
        authorId: ID.sofia,
        createdAt: '2025-03-03T12:00:00Z',
        labels: ['customer-feedback', 'research'],
        body: feedback,
      },
      {
        title: 'Product glossary',
        authorId: ID.tom,
        createdAt: '2025-02-10T15:00:00Z',
        labels: ['glossary', 'onboarding'],
        body: glossary,
      },
      {
        title: 'Competitive analysis',
        authorId: ID.sofia,
        createdAt: '2025-05-12T08:30:00Z',
        labels: ['competition', 'sales'],
        editRestriction: { users: [ID.sofia] },
        body: competitors,
      },
    ],
  },
};
