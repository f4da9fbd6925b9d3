import { architecturePage } from './eng-architecture.js';
import { developmentPage } from './eng-development.js';
import { meetingNotesPage } from './eng-meetings.js';
import { operationsPage } from './eng-operations.js';
import {
  code,
  date,
  emoji,
  emoticon,
  externalImage,
  jiraQuery,
  mention,
  pageLink,
  panel,
  status,
  taskList,
} from './storage.js';
import type { SeedSpace } from './types.js';
import { ID } from './users.js';

const home = `<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell>
<h1>Welcome to Engineering ${emoji('robot', '1f916', '🤖')}</h1>
<p>This space is the home of the Acme Robotics engineering teams: Platform, Fleet Ops, Autonomy, Firmware, Identity, Console and Data.</p>
<p>New here? Start with the ${pageLink('Engineering onboarding checklist')} and the ${pageLink('Architecture overview')}.</p>
</ac:layout-cell><ac:layout-cell>
${externalImage('https://assets.acme-robotics.example/brand/ar9-hero.jpg', 'An AR-9 robot carrying a tote in a warehouse aisle')}
</ac:layout-cell></ac:layout-section>
<ac:layout-section ac:type="three_equal"><ac:layout-cell><h3>Build</h3><ul><li><p>${pageLink('Development')}</p></li><li><p>${pageLink('API style guide')}</p></li><li><p>${pageLink('Deployment guide')}</p></li></ul></ac:layout-cell>
<ac:layout-cell><h3>Run</h3><ul><li><p>${pageLink('On-call guide')}</p></li><li><p>${pageLink('Runbooks')}</p></li><li><p>${pageLink('Incident postmortems')}</p></li></ul></ac:layout-cell>
<ac:layout-cell><h3>Decide</h3><ul><li><p>${pageLink('Architecture decision records')}</p></li><li><p>${pageLink('Platform team meeting notes')}</p></li><li><p>${pageLink('Product roadmap 2026', { space: 'PROD' })}</p></li></ul></ac:layout-cell></ac:layout-section>
<ac:layout-section ac:type="single"><ac:layout-cell><hr /><h2>Open platform work</h2>
${jiraQuery('project = PLAT AND statusCategory != Done ORDER BY priority DESC', 'key,summary,assignee,status,priority', 15)}
<p>Questions? Ask in <code>#eng-help</code> or mention ${mention(ID.jonas)}.</p></ac:layout-cell></ac:layout-section></ac:layout>`;

const onboarding = `<h1>Engineering onboarding checklist</h1>
${panel('info', `<p>Your buddy ticks things off with you during your first two weeks. Questions go to your buddy first, then ${mention(ID.jonas)}.</p>`, 'How to use this page')}
<h2>Day 1</h2>
${taskList([
  { done: true, body: 'Laptop set up, SSO and 2FA enabled' },
  {
    done: true,
    body: `Slack channels: <code>#eng</code>, <code>#eng-help</code>, <code>#incident-response</code>`,
  },
  { done: false, body: `GitHub access to <code>acme-robotics</code> (ask ${mention(ID.olu)})` },
])}
<h2>Week 1</h2>
${taskList(
  [
    {
      done: false,
      body: `Follow ${pageLink('Local development setup')} and get the console running locally`,
    },
    { done: false, body: `Read ${pageLink('Architecture overview')} and the first ten ADRs` },
    {
      done: false,
      body: `Ship a small change to production (your buddy picks one) by ${date('2026-04-10')}`,
    },
  ],
  4,
)}
<h2>Month 1</h2>
<ol><li><p>Shadow an on-call week (see ${pageLink('On-call guide')})</p>
<ol><li><p>join the Monday hand-over</p></li><li><p>read every page you get, even if you are not primary</p>
<ol><li><p>ask why the alert exists</p></li><li><p>find its runbook</p></li></ol></li></ol></li>
<li><p>Visit a customer site with Fleet Ops (hi-vis vest and safety boots provided) ${emoticon('smile')}</p></li></ol>`;

const k8sPlan = `<p>${status('Yellow', 'Draft')} Owner: ${mention(ID.daniel)}</p>
<h2>Goal</h2><p>Move all EKS clusters from 1.29 to 1.31 before 1.29 leaves standard support.</p>
<h2>Plan</h2>
<table data-layout="default"><tbody><tr><th><p>Step</p></th><th><p>Clusters</p></th><th><p>When</p></th></tr>
<tr><td><p>1.29 &rarr; 1.30</p></td><td><p>dev, staging, production</p></td><td><p>${date('2026-02-10')} &ndash; ${date('2026-02-24')}</p></td></tr>
<tr><td><p>1.30 &rarr; 1.31</p></td><td><p>dev, staging, production</p></td><td><p>${date('2026-03-16')} &ndash; ${date('2026-04-07')}</p></td></tr></tbody></table>
${code(
  'bash',
  `# find workloads using APIs removed in 1.31
kubent --target-version 1.31.0 -o json | jq '.[] | {name, namespace, kind, apiVersion}'`,
)}
<p><em>TODO: node group drain order, PodDisruptionBudget audit.</em></p>`;

const jenkins = `${panel('warning', `<p>Jenkins was replaced by GitHub Actions (${pageLink('ADR-033: Replace Jenkins with GitHub Actions', { text: 'ADR-033' })}). This page is kept for history.</p>`, 'Archived')}
<h1>Jenkins build system</h1>
<p>Jenkins ran on <code>jenkins.internal.acme-robotics.example</code> with 6 static agents. Pipelines lived in <code>Jenkinsfile</code>s per repository.</p>
${code(
  'bash',
  `# restart a wedged agent (old procedure)
ssh jenkins-agent-3 'sudo systemctl restart jenkins-agent && df -h /var/lib/jenkins'`,
)}`;

const calibration = `<h1>Engineering promotion calibration notes (H1 2026)</h1>
${panel('note', '<p>Visible to Jonas only. Do not share outside the calibration group.</p>')}
<table data-layout="default"><tbody><tr><th><p>Person</p></th><th><p>Proposed level</p></th><th><p>Outcome</p></th></tr>
<tr><td><p>${mention(ID.olu)}</p></td><td><p>Senior Engineer</p></td><td><p>${status('Green', 'Approved')}</p></td></tr>
<tr><td><p>${mention(ID.priya)}</p></td><td><p>Staff Engineer</p></td><td><p>${status('Yellow', 'Next cycle')}</p></td></tr></tbody></table>
<p>Evidence packs: see the HR space (restricted).</p>`;

/** The Engineering space: architecture, operations, development and meeting notes. */
export const engSpace: SeedSpace = {
  key: 'ENG',
  name: 'Engineering',
  type: 'global',
  status: 'current',
  description: 'Architecture, runbooks, decisions and meeting notes of the Acme Robotics engineering teams.',
  authorId: ID.jonas,
  createdAt: '2025-01-13T09:00:00Z',
  labels: ['engineering', 'team-space'],
  homepage: {
    title: 'Engineering Home',
    authorId: ID.jonas,
    createdAt: '2025-01-13T09:00:00Z',
    labels: ['home'],
    history: [
      { body: '<p>Welcome to the Engineering space. More soon.</p>', message: 'Space created' },
      {
        body: `<p>Welcome to the Engineering space.</p><p>Start with ${pageLink('Architecture overview')}.</p>`,
      },
    ],
    body: home,
    children: [
      architecturePage,
      operationsPage,
      developmentPage,
      meetingNotesPage,
      {
        title: 'Engineering onboarding checklist',
        authorId: ID.jonas,
        createdAt: '2025-04-07T09:00:00Z',
        labels: ['onboarding', 'checklist'],
        body: onboarding,
      },
      {
        title: 'Kubernetes 1.31 upgrade plan',
        authorId: ID.daniel,
        createdAt: '2026-01-16T15:00:00Z',
        labels: ['kubernetes', 'plan'],
        status: 'draft',
        body: k8sPlan,
      },
      {
        title: 'Jenkins build system',
        authorId: ID.olu,
        createdAt: '2025-01-15T12:00:00Z',
        labels: ['ci', 'legacy'],
        status: 'archived',
        body: jenkins,
      },
      {
        title: 'Engineering promotion calibration notes',
        authorId: ID.jonas,
        createdAt: '2026-03-02T17:00:00Z',
        labels: ['confidential', 'calibration'],
        viewRestriction: { users: [ID.jonas] },
        body: calibration,
      },
    ],
  },
};
