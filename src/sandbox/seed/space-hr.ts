import {
  date,
  emoji,
  expand,
  mention,
  pageLink,
  panel,
  propertiesTable,
  status,
  taskList,
  toc,
} from './storage.js';
import type { SeedSpace } from './types.js';
import { ID } from './users.js';

const leaveV1 = `<h1>Annual leave policy</h1><p>Everyone gets 25 days of annual leave plus public holidays. Book leave in BambooHR.</p>`;
const leaveV2 = `${leaveV1}<h2>Carry-over</h2><p>Up to 5 days can be carried over to the next year and must be used by 31 March.</p>`;

const leave = `${toc(2)}
<h1>Annual leave policy</h1>
${propertiesTable([
  ['Owner', mention(ID.hannah)],
  ['Applies to', 'All employees (not contractors)'],
  ['Effective from', date('2026-01-01')],
  ['Status', status('Green', 'Approved')],
])}
<h2>Entitlement</h2>
<table data-layout="default"><tbody><tr><th><p>Country</p></th><th><p>Annual leave</p></th><th><p>Public holidays</p></th><th><p>Notes</p></th></tr>
<tr><td><p>United Kingdom</p></td><td><p>25 days</p></td><td><p>8 bank holidays</p></td><td><p>+1 day per 2 years of service, up to 30</p></td></tr>
<tr><td><p>Switzerland (Zürich)</p></td><td><p>25 days</p></td><td><p>canton Zürich holidays</p></td><td><p>5 weeks by contract; statutory minimum is 4</p></td></tr>
<tr><td><p>Germany (Berlin)</p></td><td><p>28 days</p></td><td><p>Berlin holidays</p></td><td><p>Statutory minimum 20 (5-day week)</p></td></tr>
<tr><td><p>United States</p></td><td><p>20 days</p></td><td><p>10 federal holidays</p></td><td><p>Separate sick leave</p></td></tr></tbody></table>
<h2>Booking leave</h2>
<ol><li><p>Agree dates with your manager (at least two weeks ahead for more than three days).</p></li><li><p>Book in BambooHR; your manager approves there.</p></li><li><p>Set your Slack status and calendar; hand over on-call if needed.</p></li></ol>
<h2>Carry-over</h2>
<p>Up to 5 days carry over to the next year and must be used by <strong>31 March</strong>. Unused days above that are lost, except where local law says otherwise.</p>
${panel('note', '<p>Leave during a notice period is agreed case by case with HR.</p>')}`;

const expenses = `<h1>Expenses policy</h1>
<p>Spend company money as if it were your own. Claims go through Pleo within 30 days.</p>
<table data-layout="default"><tbody><tr><th><p>Category</p></th><th><p>Limit</p></th><th><p>Approval</p></th></tr>
<tr><td><p>Hotel (London, Zürich)</p></td><td><p>&pound;220 / CHF&nbsp;260 per night</p></td><td><p>Manager</p></td></tr>
<tr><td><p>Hotel (elsewhere)</p></td><td><p>&pound;160 per night</p></td><td><p>Manager</p></td></tr>
<tr><td><p>Meals when travelling</p></td><td><p>&pound;50 per day</p></td><td><p>None</p></td></tr>
<tr><td><p>Customer site visits (PPE, taxis)</p></td><td><p>Reasonable</p></td><td><p>None</p></td></tr>
<tr><td><p>Conference tickets</p></td><td><p>&pound;1&nbsp;000</p></td><td><p>Manager + budget owner</p></td></tr></tbody></table>
${expand('What is not covered', '<ul><li><p>Alcohol, except at team events approved in advance</p></li><li><p>Fines (parking, speeding)</p></li><li><p>Upgrades to business class on flights under 6 hours</p></li></ul>')}`;

const parental = `<h1>Parental leave policy</h1>
<p>Acme offers <strong>26 weeks at full pay</strong> for the primary carer and <strong>8 weeks at full pay</strong> for the other parent, from day one of employment, in every country, on top of statutory entitlements where those are higher.</p>
<ul><li><p>Adoption and surrogacy are treated the same as birth.</p></li><li><p>Up to 10 paid &ldquo;keeping in touch&rdquo; days.</p></li><li><p>Phased return: 80&nbsp;% hours at full pay for the first 4 weeks back.</p></li></ul>
<p>Talk to ${mention(ID.hannah)} as early as you like; it stays confidential.</p>`;

const remote = `<h1>Remote and hybrid working policy</h1>
<p>Hybrid by default: three days a week in an office or at customer sites for roles that need hardware, two for others. Fully remote by exception (approval: ${mention(ID.grace)}).</p>
<p>Working from another country: up to 20 days a year, with HR approval for tax and immigration reasons.</p>`;

const hiring = `<h1>Hiring process</h1>
<ol><li><p>Recruiter screen (30 min)</p></li><li><p>Hiring manager interview (45 min)</p></li><li><p>Technical or craft interview (90 min)</p>
<ul><li><p>engineering: ${pageLink('Interview kit: Software engineer')}</p></li><li><p>product and design: portfolio review</p></li></ul></li><li><p>Values interview (45 min), by someone outside the team</p></li><li><p>Debrief within 2 working days; offer within 5</p></li></ol>
${panel('tip', '<p>Write your interview feedback <em>before</em> reading anyone else&rsquo;s.</p>')}`;

const interviewKit = `<h1>Interview kit: Software engineer</h1>
<h2>Pair programming exercise (60 min)</h2>
<p>Candidates extend a tiny mission dispatcher (TypeScript or Python, their choice). We look for: clarifying questions, tests, small steps, and how they use feedback. We do not look for: finishing.</p>
<h2>System design (30 min)</h2>
<p>&ldquo;Design the service that tells a site lead which robots need maintenance this week.&rdquo; Good answers ask about data volume, freshness and who acts on the result.</p>
<h2>Scoring</h2>
<table data-layout="default"><tbody><tr><th><p>Signal</p></th><th><p>1 (no)</p></th><th><p>4 (strong yes)</p></th></tr>
<tr><td><p>Problem solving</p></td><td><p>Jumps to code; stuck without hints</p></td><td><p>Breaks the problem down, tests assumptions</p></td></tr>
<tr><td><p>Collaboration</p></td><td><p>Ignores the interviewer</p></td><td><p>Thinks aloud, uses hints well</p></td></tr></tbody></table>`;

const newStarter = `<h1>Onboarding checklist for new starters</h1>
<p>HR&rsquo;s part of onboarding; the team&rsquo;s part is in each team space (for engineering: ${pageLink('Engineering onboarding checklist', { space: 'ENG' })}).</p>
<h2>Before day 1</h2>
${taskList([
  { done: true, body: `Contract signed and right-to-work check done ${mention(ID.hannah)}` },
  { done: true, body: 'Laptop ordered (allow 10 working days for Zürich)' },
  { done: false, body: `Welcome e-mail with first-week agenda ${mention(ID.hannah)} ${date('2026-04-03')}` },
])}
<h2>Week 1</h2>
${taskList(
  [
    { done: false, body: 'Payroll and pension forms' },
    { done: false, body: 'Health and safety induction (mandatory before any site visit)' },
    { done: false, body: `Lunch with ${mention(ID.grace)}` },
  ],
  4,
)}`;

const bands = `<h1>Salary bands 2026</h1>
${panel('warning', '<p>Strictly confidential. Visible to Grace only; shared with managers per person during reviews.</p>', 'Confidential')}
<table data-layout="default"><tbody>
<tr><th rowspan="2"><p>Level</p></th><th colspan="2"><p>London (GBP)</p></th><th colspan="2"><p>Zürich (CHF)</p></th></tr>
<tr><th><p>Min</p></th><th><p>Max</p></th><th><p>Min</p></th><th><p>Max</p></th></tr>
<tr><td><p>Engineer II</p></td><td><p>62&nbsp;000</p></td><td><p>78&nbsp;000</p></td><td><p>105&nbsp;000</p></td><td><p>125&nbsp;000</p></td></tr>
<tr><td><p>Senior Engineer</p></td><td><p>80&nbsp;000</p></td><td><p>102&nbsp;000</p></td><td><p>125&nbsp;000</p></td><td><p>150&nbsp;000</p></td></tr>
<tr><td><p>Staff Engineer</p></td><td><p>100&nbsp;000</p></td><td><p>128&nbsp;000</p></td><td><p>148&nbsp;000</p></td><td><p>178&nbsp;000</p></td></tr>
</tbody></table>`;

const offices = `<h1>Office guide: London and Zürich</h1>
<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><h2>London</h2>
<p>Acme Robotics Ltd<br />2nd floor, 14 Tabernacle Street<br />London EC2A&nbsp;4LU</p><p>Door code changes monthly (ask in <code>#office-london</code>).</p>
<ul><li><p>Robot lab in the basement: safety induction required</p></li><li><p>Bike storage: 20 spaces</p></li></ul></ac:layout-cell>
<ac:layout-cell><h2>Zürich</h2><p>Acme Robotics GmbH<br />Hardturmstrasse 161<br />8005 Zürich</p><p>Shared with the firmware team&rsquo;s test floor.</p>
<ul><li><p>Lunch: the Kantine on the ground floor (Mon&ndash;Fri) ${emoji('fork_and_knife', '1f374', '🍴')}</p></li><li><p>Nearest tram: Förrlibuckstrasse (lines 4, 17)</p></li></ul></ac:layout-cell></ac:layout-section></ac:layout>`;

/** The People &amp; HR space, visible only to the `hr` group. */
export const hrSpace: SeedSpace = {
  key: 'HR',
  name: 'People & HR',
  type: 'global',
  status: 'current',
  description: 'HR policies, hiring and onboarding. Restricted to the HR team.',
  authorId: ID.hannah,
  createdAt: '2025-01-20T09:00:00Z',
  labels: ['hr', 'policies'],
  viewRestriction: { groups: ['hr'] },
  homepage: {
    title: 'People & HR Home',
    authorId: ID.hannah,
    createdAt: '2025-01-20T09:00:00Z',
    body: `<h1>People &amp; HR</h1><p>Policies and processes maintained by the People team (${mention(ID.hannah)}, ${mention(ID.grace)}). Employees see the published versions in the handbook.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2"><ac:parameter ac:name="all">true</ac:parameter></ac:structured-macro>`,
    children: [
      {
        title: 'Policies',
        authorId: ID.hannah,
        createdAt: '2025-01-21T09:00:00Z',
        labels: ['policy'],
        body: `<p>All current HR policies. Each policy has an owner and a review date.</p><ul><li><p>${pageLink('Annual leave policy')}</p></li><li><p>${pageLink('Expenses policy')}</p></li><li><p>${pageLink('Parental leave policy')}</p></li><li><p>${pageLink('Remote and hybrid working policy')}</p></li></ul>`,
        children: [
          {
            title: 'Annual leave policy',
            authorId: ID.hannah,
            createdAt: '2025-01-22T10:00:00Z',
            labels: ['policy', 'leave'],
            history: [
              { body: leaveV1, message: 'First version' },
              { body: leaveV2, message: 'Add carry-over rules', authorId: ID.grace },
            ],
            body: leave,
          },
          {
            title: 'Expenses policy',
            authorId: ID.hannah,
            createdAt: '2025-01-23T10:00:00Z',
            labels: ['policy', 'expenses'],
            body: expenses,
          },
          {
            title: 'Parental leave policy',
            authorId: ID.grace,
            createdAt: '2025-02-03T10:00:00Z',
            labels: ['policy', 'leave'],
            body: parental,
          },
          {
            title: 'Remote and hybrid working policy',
            authorId: ID.grace,
            createdAt: '2025-02-10T10:00:00Z',
            labels: ['policy', 'remote-work'],
            body: remote,
          },
        ],
      },
      {
        title: 'Hiring process',
        authorId: ID.hannah,
        createdAt: '2025-02-17T09:00:00Z',
        labels: ['hiring'],
        body: hiring,
        children: [
          {
            title: 'Interview kit: Software engineer',
            authorId: ID.hannah,
            createdAt: '2025-02-24T13:00:00Z',
            labels: ['hiring', 'interview', 'engineering'],
            body: interviewKit,
          },
        ],
      },
      {
        title: 'Onboarding checklist for new starters',
        authorId: ID.hannah,
        createdAt: '2025-03-03T09:00:00Z',
        labels: ['onboarding', 'checklist'],
        body: newStarter,
      },
      {
        title: 'Salary bands 2026',
        authorId: ID.grace,
        createdAt: '2025-12-15T09:00:00Z',
        labels: ['compensation', 'confidential'],
        viewRestriction: { users: [ID.grace] },
        body: bands,
      },
      {
        title: 'Office guide: London and Zürich',
        authorId: ID.hannah,
        createdAt: '2025-04-14T09:00:00Z',
        labels: ['offices', 'onboarding'],
        body: offices,
      },
    ],
  },
};
