import { date, emoji, emoticon, jira, mention, pageLink, type Task, taskList } from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

/** Title of the meeting-notes parent page. */
export const MEETING_NOTES_TITLE = 'Platform team meeting notes';

interface Meeting {
  date: string;
  attendees: readonly string[];
  onCall: readonly [string, string];
  agenda: readonly string[];
  notes: readonly string[];
  decisions?: readonly string[];
  actions: readonly Task[];
}

const core = [ID.priya, ID.jonas, ID.daniel, ID.olu];

const MEETINGS: readonly Meeting[] = [
  {
    date: '2026-01-05',
    attendees: core,
    onCall: [ID.olu, ID.priya],
    agenda: ['Holiday on-call review', 'Q1 priorities', 'Kubernetes 1.31 upgrade'],
    notes: [
      'Quiet holidays: two pages, both low-battery alert storms at one site after a power cut. No SEVs.',
      `Q1 priorities agreed with ${mention(ID.sofia)}: journey SLOs, v2 API sunset support, Unleash migration.`,
      'EKS 1.29 goes out of standard support in March; we must upgrade twice (1.30, 1.31).',
    ],
    actions: [
      { done: true, body: `Draft the Kubernetes upgrade plan ${mention(ID.daniel)} ${date('2026-01-16')}` },
      {
        done: true,
        body: `Share Q1 priorities with the wider team ${mention(ID.jonas)} ${date('2026-01-07')}`,
      },
    ],
  },
  {
    date: '2026-01-12',
    attendees: [...core, ID.fatima],
    onCall: [ID.priya, ID.daniel],
    agenda: ['Feature flags: LaunchDarkly renewal', 'Renovate backlog'],
    notes: [
      'LaunchDarkly renewal quote doubled; EU data residency concerns from Fatima. Proposal to self-host Unleash.',
      'Renovate has 37 open pull requests; most are grouped minor updates blocked on one flaky test.',
    ],
    decisions: [
      `Write an ADR for Unleash (became ${pageLink('ADR-029: Self-hosted Unleash for feature flags', { text: 'ADR-029' })}).`,
    ],
    actions: [
      { done: true, body: `ADR for Unleash ${mention(ID.jonas)} ${date('2026-01-13')}` },
      {
        done: true,
        body: `Quarantine the flaky <code>mission-api</code> test ${mention(ID.olu)} ${date('2026-01-14')} ${jira('PLAT-377')}`,
      },
    ],
  },
  {
    date: '2026-01-19',
    attendees: core,
    onCall: [ID.daniel, ID.olu],
    agenda: ['Telemetry cost review', 'Kubernetes upgrade plan review'],
    notes: [
      'Telemetry storage cost up 18&nbsp;% month on month; most of it is uncompressed chunks from a compression job that silently stopped.',
      'Upgrade plan reviewed (Daniel&rsquo;s draft page &ldquo;Kubernetes 1.31 upgrade plan&rdquo;, not yet published).',
    ],
    actions: [
      {
        done: true,
        body: `Alert when the compression job has not run for 6&nbsp;h ${mention(ID.daniel)} ${date('2026-01-23')}`,
      },
      {
        done: false,
        body: `Estimate savings from 1-day compression ${mention(ID.olu)} ${date('2026-02-06')}`,
      },
    ],
  },
  {
    date: '2026-01-26',
    attendees: [...core, ID.aiko],
    onCall: [ID.olu, ID.priya],
    agenda: ['OTA incident of 22 January', 'Campaign targeting by board revision'],
    notes: [
      `Aiko walked through the incident; postmortem: ${pageLink('Postmortem 2026-01-22: OTA update stalled at 40%')}.`,
      'Platform owns campaign targeting; firmware owns the memory budget check.',
    ],
    actions: [
      {
        done: true,
        body: `Targeting by board revision in <code>ota-campaign-api</code> ${mention(ID.priya)} ${date('2026-02-06')}`,
      },
    ],
  },
  {
    date: '2026-02-02',
    attendees: core,
    onCall: [ID.priya, ID.daniel],
    agenda: ['Journey SLOs', 'Hiring'],
    notes: [
      `Five journeys proposed; ${mention(ID.daniel)} will write them up as ${pageLink('ADR-030: SLOs per user journey', { text: 'ADR-030' })}.`,
      'Hiring: one senior platform engineer; interview loop unchanged.',
    ],
    actions: [
      { done: true, body: `Write ADR-030 ${mention(ID.daniel)} ${date('2026-02-03')}` },
      {
        done: false,
        body: `Update the interview kit for the platform role ${mention(ID.jonas)} ${date('2026-02-20')}`,
      },
    ],
  },
  {
    date: '2026-02-09',
    attendees: [...core, ID.sofia],
    onCall: [ID.daniel, ID.olu],
    agenda: ['v2 API sunset: customer status', 'Docs for API v3 pagination'],
    notes: [
      '11 customers still on v2; 4 have migration dates, 7 have not replied.',
      'Customers are confused by cursors expiring after 24&nbsp;h; document it better.',
    ],
    actions: [
      {
        done: false,
        body: `Weekly v2 usage report to customer success ${mention(ID.sofia)} ${date('2026-02-13')}`,
      },
      {
        done: true,
        body: `Pagination section in the ${pageLink('Fleet API v3 reference', { text: 'API reference' })} ${mention(ID.priya)} ${date('2026-02-12')}`,
      },
    ],
  },
  {
    date: '2026-02-16',
    attendees: core,
    onCall: [ID.olu, ID.priya],
    agenda: ['EKS 1.30 upgrade retro', 'Renovate auto-merge'],
    notes: [
      'Dev and staging upgraded without issues; production eu-west-2 needed a Karpenter bump first.',
      'Auto-merge for patch updates of dev dependencies is on. 21 pull requests merged themselves this week.',
    ],
    decisions: [
      'Production us-east-1 upgrade moves to Tuesday 24 February (Monday is a US holiday for half the customers).',
    ],
    actions: [{ done: true, body: `Upgrade prd-use1 to 1.30 ${mention(ID.daniel)} ${date('2026-02-24')}` }],
  },
  {
    date: '2026-02-23',
    attendees: [...core, ID.fatima],
    onCall: [ID.priya, ID.daniel],
    agenda: ['Quarterly access review', 'Break-glass usage'],
    notes: [
      'Access review starts 1 April. Everyone with production roles must confirm them.',
      'Break-glass used twice in February, both during the Postgres failover drill. Both reviewed.',
    ],
    actions: [
      {
        done: false,
        body: `Remove stale IAM users found in the drill ${mention(ID.fatima)} ${date('2026-03-06')}`,
      },
    ],
  },
  {
    date: '2026-03-02',
    attendees: core,
    onCall: [ID.daniel, ID.olu],
    agenda: ['Unleash migration status', 'ClickHouse proposal'],
    notes: [
      '64 of 90 flags migrated to Unleash; the console SDK is the last big piece.',
      `${mention(ID.olu)} presented ${pageLink('ADR-031: ClickHouse for fleet analytics', { text: 'ADR-031' })}; questions about EU residency of ClickHouse Cloud.`,
    ],
    actions: [
      { done: false, body: `Console flags on Unleash ${mention(ID.priya)} ${date('2026-03-20')}` },
      {
        done: false,
        body: `Confirm ClickHouse Cloud region options ${mention(ID.olu)} ${date('2026-03-13')}`,
      },
    ],
  },
  {
    date: '2026-03-09',
    attendees: [ID.priya, ID.jonas, ID.olu],
    onCall: [ID.olu, ID.daniel],
    agenda: ['Jenkins shutdown', 'Team offsite'],
    notes: [
      `Daniel out this week. GitHub Actions migration ahead of plan; Jenkins shutdown date 30 June (${pageLink('Jenkins build system')}).`,
      'Offsite in Zürich, 21&ndash;22 April: agenda owner Jonas.',
    ],
    actions: [{ done: false, body: `Offsite agenda draft ${mention(ID.jonas)} ${date('2026-03-27')}` }],
  },
  {
    date: '2026-03-16',
    attendees: core,
    onCall: [ID.daniel, ID.priya],
    agenda: ['Kubernetes 1.31', 'On-call load'],
    notes: [
      '1.31 on dev; one breaking change in our admission webhook (deprecated API version).',
      'On-call load: 9 pages last week, 6 of them non-actionable. Tune or delete those alerts.',
    ],
    actions: [
      { done: false, body: `Fix admission webhook API version ${mention(ID.olu)} ${date('2026-03-20')}` },
      { done: false, body: `Review the six noisy alerts ${mention(ID.daniel)} ${date('2026-03-27')}` },
    ],
  },
  {
    date: '2026-03-23',
    attendees: [...core, ID.sofia],
    onCall: [ID.priya, ID.olu],
    agenda: ['Q2 planning', 'Release 2026.4 readiness'],
    notes: [
      `Q2 candidates: ClickHouse reports, cross-region failover automation, API key scopes (${pageLink('PRD: Customer API keys', { space: 'PROD' })}).`,
      'Release 2026.4 on track; release notes draft in the Product space.',
    ],
    actions: [
      { done: false, body: `Q2 plan to leadership ${mention(ID.jonas)} ${date('2026-04-01')}` },
      { done: false, body: `Release readiness checklist ${mention(ID.sofia)} ${date('2026-03-30')}` },
    ],
  },
];

function meetingPage(meeting: Meeting, index: number): SeedPage {
  const decisions =
    meeting.decisions === undefined
      ? '<p>No decisions recorded.</p>'
      : `<ul>${meeting.decisions.map((d) => `<li><p>${emoticon('tick')} ${d}</p></li>`).join('')}</ul>`;
  return {
    title: `Platform sync ${meeting.date}`,
    authorId: meeting.attendees[index % meeting.attendees.length],
    createdAt: `${meeting.date}T10:45:00Z`,
    labels: ['meeting-notes', 'platform-sync'],
    body: `<h2>Date</h2><p>${date(meeting.date)}</p>
<h2>Participants</h2><ul>${meeting.attendees.map((a) => `<li><p>${mention(a)}</p></li>`).join('')}</ul>
<p>On call this week: ${mention(meeting.onCall[0])} (primary), ${mention(meeting.onCall[1])} (secondary)</p>
<h2>Agenda</h2><ol>${meeting.agenda.map((item) => `<li><p>${item}</p></li>`).join('')}</ol>
<h2>Discussion</h2><ul>${meeting.notes.map((n) => `<li><p>${n}</p></li>`).join('')}</ul>
<h2>Decisions</h2>${decisions}
<h2>Action items</h2>${taskList(meeting.actions)}`,
  };
}

/** The weekly platform sync notes, one child page per meeting. */
export const meetingNotesPage: SeedPage = {
  title: MEETING_NOTES_TITLE,
  authorId: ID.jonas,
  createdAt: '2025-12-15T09:00:00Z',
  labels: ['meeting-notes'],
  body: `<p>Notes from the weekly platform sync (Mondays 10:00 UK, 30 minutes). ${emoji('calendar_spiral', '1f5d3', '🗓')} Newest first.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2"><ac:parameter ac:name="sort">creation</ac:parameter><ac:parameter ac:name="reverse">true</ac:parameter></ac:structured-macro>`,
  children: MEETINGS.map(meetingPage),
};
