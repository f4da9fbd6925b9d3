import {
  attachmentLink,
  colourPanel,
  date,
  emoticon,
  expand,
  image,
  jira,
  mention,
  pageLink,
  panel,
  propertiesTable,
  status,
  taskList,
  toc,
} from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

function prdHeader(
  owner: string,
  designer: string,
  state: string,
  colour: 'Yellow' | 'Green' | 'Blue',
  epic: string,
) {
  return propertiesTable([
    ['Target release', '2026.6'],
    ['Epic', jira(epic)],
    ['Document status', status(colour, state)],
    ['Document owner', mention(owner)],
    ['Designer', mention(designer)],
    ['Engineering', mention(ID.priya)],
  ]);
}

const healthDashboard = `${prdHeader(ID.sofia, ID.tom, 'In progress', 'Green', 'FLEET-1501')}
${toc(2)}
<h2>Goals</h2>
<ul><li><p>Fleet managers see at a glance which robots need attention today.</p></li><li><p>Reduce &ldquo;why is robot X slow?&rdquo; support tickets by 30&nbsp;%.</p></li></ul>
<h2>Background and strategic fit</h2>
<p>Today the console shows robots one at a time. Customers with 50+ robots export telemetry to spreadsheets to find the weak ones. Three of our five largest customers asked for this in Q4 (see ${pageLink('Customer feedback log')}).</p>
<h2>Requirements</h2>
<table data-layout="wide"><tbody><tr><th><p>#</p></th><th><p>Title</p></th><th><p>User story</p></th><th><p>Importance</p></th><th><p>Notes</p></th></tr>
<tr><td><p>1</p></td><td><p>Health score</p></td><td><p>As a fleet manager, I want one score per robot so that I can sort by it.</p></td><td><p>${status('Red', 'Must have')}</p></td><td><ul><li><p>battery health</p></li><li><p>motor temperature trend</p></li><li><p>faults in the last 7 days</p></li></ul></td></tr>
<tr><td><p>2</p></td><td><p>Site overview</p></td><td><p>As a fleet manager, I want a heat map of sites so that I know where to send technicians.</p></td><td><p>${status('Red', 'Must have')}</p></td><td><p>Reuse the map tiles; no new map renderer.</p></td></tr>
<tr><td><p>3</p></td><td><p>Weekly e-mail</p></td><td><p>As a site lead, I want a Monday e-mail listing robots needing service.</p></td><td><p>${status('Yellow', 'Should have')}</p></td><td><p>Opt-in per user.</p></td></tr>
<tr><td><p>4</p></td><td><p>Teams/Slack alerts</p></td><td><p>As an operator, I want health alerts in my chat tool.</p></td><td><p>${status('Grey', 'Could have')}</p></td><td><p>Webhooks already allow this with glue code.</p></td></tr>
</tbody></table>
<h2>User interaction and design</h2>
${image('fleet-health-wireframe-v3.png', 'Wireframe: fleet health dashboard with score column and site heat map', 800)}
<p>Figma: <a href="https://www.figma.com/file/acme-fleet-health">Fleet health v3</a>. Prototype test script: ${attachmentLink('fleet-health-test-script.pdf')}.</p>
<h2>Questions</h2>
<table data-layout="default"><tbody><tr><th><p>Question</p></th><th><p>Outcome</p></th></tr>
<tr><td><p>How do we weight the score components?</p></td><td><p>Start equal; tune with beta data. ${emoticon('tick')}</p></td></tr>
<tr><td><p>Do we show the score to customers on RaaS plans?</p></td><td><p><em>Open</em> &mdash; ${mention(ID.sofia)} to check with sales.</p></td></tr></tbody></table>
<h2>Not doing</h2>
<ul><li><p><s>Predictive maintenance</s> &mdash; needs more data; revisit in 2027.</p></li></ul>`;

const docking = `${prdHeader(ID.sofia, ID.tom, 'Discovery', 'Blue', 'DOCK-1')}
<h2>Problem</h2>
<p>At shift change, up to 30 robots head for docks at once. Robots queue, block aisles and sometimes time out and retry, making it worse. Charging takes 75 minutes on average, so a bad start ripples for hours.</p>
${colourPanel('<p><strong>Hypothesis:</strong> if the dispatcher plans charging ahead (staggered by state of charge and upcoming missions), peak dock queues drop by 80&nbsp;% without new hardware.</p>', { title: 'Hypothesis', bgColor: '#E3FCEF' })}
<h2>Success metrics</h2>
<ol><li><p>p95 dock wait &lt; 3 minutes (today: 14)</p></li><li><p>Zero aisle blockages caused by dock queues</p></li><li><p>No loss of missions completed per hour</p></li></ol>
<h2>Research</h2>
<p>See ${pageLink('Docking v2 user research findings')}.</p>
${expand('Constraints from Autonomy', `<p>${mention(ID.zoe)}: docking approach needs a 1.2&nbsp;m clear corridor; the traffic manager can reserve corridors since 2026.1.</p>`)}`;

const research = `<h1>Docking v2 user research findings</h1>
<p>Five site visits, 14 interviews (operators, site leads, technicians), November&ndash;December 2025. Researcher: ${mention(ID.tom)}.</p>
<h2>Key findings</h2>
<ol><li><p><strong>Operators manually send robots to charge early</strong> before shift change, to avoid the queue.</p>
<ul><li><p>4 of 5 sites do this</p></li><li><p>it costs 6&ndash;10&nbsp;% of capacity</p><ul><li><p>one site dedicates a person to it for 30 minutes per shift</p></li></ul></li></ul></li>
<li><p><strong>Dock placement is political</strong>: docks end up where there was space, not where robots need them.</p></li>
<li><p><strong>Technicians don&rsquo;t trust the state of charge</strong> shown for old batteries.</p></li></ol>
<blockquote><p>&ldquo;At ten to six it&rsquo;s like a motorway jam in front of the chargers. I just start sending them at half five.&rdquo;</p><p>&mdash; Shift lead, grocery DC</p></blockquote>
<h2>Recommendations</h2>
${taskList([
  {
    done: false,
    body: `Prototype charge planning in the simulator ${mention(ID.zoe)} ${date('2026-04-24')}`,
  },
  {
    done: false,
    body: `Add battery health to the ${pageLink('PRD: Fleet health dashboard', { text: 'fleet health dashboard' })} ${mention(ID.sofia)}`,
  },
  { done: true, body: `Share findings at the product review ${mention(ID.tom)} ${date('2026-01-14')}` },
])}`;

const apiKeysV1 = `<h2>Problem</h2><p>API keys have full access to every site. Integrators want narrower keys.</p>`;
const apiKeys = `${prdHeader(ID.sofia, ID.tom, 'Design', 'Blue', 'FLEET-1560')}
<h2>Problem</h2>
<p>API keys have full access to all of a customer&rsquo;s sites and all operations. Integrators (WMS vendors, MES systems) get keys that can cancel every mission in the fleet. Security questionnaires flag this in 1 of 3 enterprise deals.</p>
<h2>Proposal</h2>
<ul><li><p>Keys carry <strong>scopes</strong> (<code>fleet:robots:read</code>, <code>fleet:missions:write</code>, ...) matching the ${pageLink('Fleet API v3 reference', { space: 'ENG', text: 'API reference' })}.</p></li>
<li><p>Keys can be limited to a list of <strong>sites</strong>.</p></li>
<li><p>Keys expire after at most one year; we e-mail 30 and 7 days before.</p></li></ul>
${panel('warning', '<p>Existing keys keep full access until their owners narrow them; we will not break integrations. Migration banner in the console from 2026.6.</p>', 'Compatibility')}
<h2>Open questions</h2>
<ul><li><p>Do we need per-robot scoping? (Probably not; no customer asked.)</p></li><li><p>Do webhooks inherit the key&rsquo;s site limits?</p></li></ul>`;

/** The Requirements section with three PRDs and a research page beneath one of them. */
export const prdPages: readonly SeedPage[] = [
  {
    title: 'Requirements',
    authorId: ID.sofia,
    createdAt: '2025-02-04T09:00:00Z',
    labels: ['prd'],
    body: `<p>Product requirement documents. Use the PRD template; one page per epic.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2"><ac:parameter ac:name="all">true</ac:parameter></ac:structured-macro>`,
    children: [
      {
        title: 'PRD: Fleet health dashboard',
        authorId: ID.sofia,
        createdAt: '2025-11-10T10:00:00Z',
        labels: ['prd', 'fleet-health', 'dashboard'],
        body: healthDashboard,
      },
      {
        title: 'PRD: Autonomous docking v2',
        authorId: ID.sofia,
        createdAt: '2025-12-08T10:00:00Z',
        labels: ['prd', 'docking', 'autonomy'],
        body: docking,
        children: [
          {
            title: 'Docking v2 user research findings',
            authorId: ID.tom,
            createdAt: '2025-12-19T16:00:00Z',
            labels: ['research', 'docking', 'ux'],
            body: research,
          },
        ],
      },
      {
        title: 'PRD: Customer API keys',
        authorId: ID.sofia,
        createdAt: '2026-01-20T11:00:00Z',
        labels: ['prd', 'api', 'security'],
        history: [
          { body: apiKeysV1, message: 'Problem statement' },
          {
            body: `${apiKeysV1}<h2>Proposal</h2><p>Scopes and site limits.</p>`,
            message: 'Proposal outline',
            authorId: ID.priya,
          },
        ],
        body: apiKeys,
      },
    ],
  },
];
