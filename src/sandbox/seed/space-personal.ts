import { code, date, emoji, mention, noformat, pageLink, taskList } from './storage.js';
import type { SeedSpace } from './types.js';
import { ID } from './users.js';

/** Cloud personal space keys are `~` plus the account id without its punctuation. */
export function personalSpaceKey(accountId: string): string {
  return `~${accountId.replace(/[^A-Za-z0-9]/g, '')}`;
}

const til = `<p>Things I learned, roughly one a week. Mostly for future me. ${emoji('bulb', '1f4a1', '💡')}</p>
<h2>CDATA sections cannot contain <code>]]&gt;</code></h2>
<p>Confluence stores code blocks as CDATA. If the code itself contains <code>]]&gt;</code>, the section is split in two:
<code>]]]]&gt;&lt;![CDATA[&gt;</code>. Our storage-to-Markdown converter has to join them back.</p>
${code(
  'typescript',
  `/** Wraps text in CDATA, splitting "]]>" the way Confluence does. */
export function toCdata(text: string): string {
  return '<![CDATA[' + text.split(']]>').join(']]]]><![CDATA[>') + ']]>';
}

// A nested array lookup is the usual way to hit it by accident:
const hot = counts[ids[i]]>threshold && !muted.has(ids[i]);`,
  { title: 'cdata.ts' },
)}
<h2>Python: <code>&amp;</code> versus <code>and</code></h2>
<p>In pandas, <code>df[a &gt; 1 and b &lt; 2]</code> raises; use <code>&amp;</code> with parentheses:</p>
${code(
  'python',
  `late = df[(df["eta"] > df["deadline"]) & (df["state"] != "cancelled")]

# and the classic: comparisons bind looser than &, so this is wrong
wrong = df[df["eta"] > df["deadline"] & df["urgent"]]`,
  { title: 'pandas masks' },
)}
<h2>Postgres: <code>NOT IN</code> with NULLs</h2>
${code(
  'sql',
  `-- returns no rows at all if any robot_id in mission is NULL
SELECT id FROM robot WHERE id NOT IN (SELECT robot_id FROM mission);

-- use NOT EXISTS instead
SELECT r.id FROM robot r
WHERE NOT EXISTS (SELECT 1 FROM mission m WHERE m.robot_id = r.id);`,
)}
<h2>Unicode in robot names</h2>
<p>Customers name robots &ldquo;Zürich-Süd 3&rdquo;, &ldquo;Ærø&rdquo;, &ldquo;東京-01&rdquo; and even &ldquo;🚚 Truck&rdquo;. A naïve <code>slice(0, 20)</code> can cut an emoji in half; use <code>Intl.Segmenter</code>.</p>`;

const reading = `<h2>Reading list</h2>
<table data-layout="default"><tbody><tr><th><p>Title</p></th><th><p>Why</p></th><th><p>Done</p></th></tr>
<tr><td><p><a href="https://dataintensive.net/">Designing Data-Intensive Applications</a></p></td><td><p>Kafka and replication chapters, again</p></td><td><p><ac:emoticon ac:name="tick" /></p></td></tr>
<tr><td><p><a href="https://sre.google/workbook/table-of-contents/">The Site Reliability Workbook</a></p></td><td><p>SLO burn-rate alerting (for ADR-030)</p></td><td><p><ac:emoticon ac:name="tick" /></p></td></tr>
<tr><td><p><a href="https://www.oreilly.com/library/view/database-internals/9781492040330/">Database Internals</a></p></td><td><p>Before the ClickHouse discussion</p></td><td><p><ac:emoticon ac:name="cross" /></p></td></tr></tbody></table>`;

const oneOnOne = `<h2>${date('2026-03-04')}</h2>
<ul><li><p>Staff promotion: what evidence is missing? ${mention(ID.jonas)} suggests leading the cross-region failover work.</p></li><li><p>On-call load still high; agreed to push on alert clean-up.</p></li></ul>
<h2>${date('2026-02-18')}</h2>
<ul><li><p>Feedback on the ingest postmortem: good timeline, action items too vague at first.</p></li></ul>
${taskList([
  { done: false, body: `Draft a proposal for failover automation ${date('2026-03-25')}` },
  { done: true, body: 'Ask Daniel to pair on the Postgres failover drill' },
])}`;

const rateLimiter = `<p>Half-formed ideas for per-site rate limits in the mission API. Not ready for review.</p>
${code(
  'typescript',
  `// token bucket per (customer, site); refill on read, no timers
interface Bucket { tokens: number; updatedAt: number }

export function take(bucket: Bucket, now: number, ratePerSec: number, burst: number): boolean {
  const refill = ((now - bucket.updatedAt) / 1000) * ratePerSec;
  bucket.tokens = Math.min(burst, bucket.tokens + refill);
  bucket.updatedAt = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}`,
)}
${noformat(`open questions:
  - Redis or in-process with sticky routing?
  - what does Envoy already give us (ADR-028)?`)}`;

/** Priya&rsquo;s personal space. */
export const personalSpace: SeedSpace = {
  key: personalSpaceKey(ID.priya),
  name: 'Priya Raman',
  type: 'personal',
  status: 'current',
  description: 'Notes, drafts and things I learned.',
  authorId: ID.priya,
  createdAt: '2025-03-14T18:00:00Z',
  homepage: {
    title: 'Priya Raman',
    authorId: ID.priya,
    createdAt: '2025-03-14T18:00:00Z',
    body: `<p>Hi, I&rsquo;m Priya, a senior engineer on the Platform team (London).<br />Things I own: mission API, OTA campaigns, bits of the public API.</p>
<p>Work stuff lives in ${pageLink('Engineering Home', { space: 'ENG' })}; this is my scratch space.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2" />`,
    children: [
      {
        title: 'TIL',
        authorId: ID.priya,
        createdAt: '2025-03-15T20:00:00Z',
        labels: ['til', 'notes'],
        body: til,
      },
      {
        title: 'Reading list',
        authorId: ID.priya,
        createdAt: '2025-03-16T09:00:00Z',
        labels: ['reading'],
        body: reading,
      },
      {
        title: '1:1 notes with Jonas',
        authorId: ID.priya,
        createdAt: '2025-04-02T17:00:00Z',
        labels: ['one-on-one'],
        viewRestriction: { users: [ID.priya, ID.jonas] },
        body: oneOnOne,
      },
      {
        title: 'Rate limiter ideas',
        authorId: ID.priya,
        createdAt: '2026-02-27T21:00:00Z',
        labels: ['ideas'],
        status: 'draft',
        body: rateLimiter,
      },
    ],
  },
};
