import { attachmentLink, code, date, mention, panel, table } from './storage.js';
import type { SeedSpace } from './types.js';
import { ID } from './users.js';

const results = `<h1>Atlas pilot results</h1>
<p>Pilot of the handheld indoor-mapping scanner at 3 customer sites, ${date('2025-02-03')} to ${date('2025-05-30')}.</p>
${table(
  ['Site', 'Area mapped', 'Time (scanner)', 'Time (robot-driven)', 'Map quality'],
  [
    ['Leeds DC', '42&nbsp;000&nbsp;m&sup2;', '3&nbsp;h&nbsp;10', '9&nbsp;h&nbsp;40', 'Good'],
    [
      'Rotterdam DC 2',
      '61&nbsp;000&nbsp;m&sup2;',
      '4&nbsp;h&nbsp;55',
      '14&nbsp;h',
      'Good, glass walls noisy',
    ],
    [
      'Basel pharma',
      '18&nbsp;000&nbsp;m&sup2;',
      '1&nbsp;h&nbsp;20',
      '4&nbsp;h&nbsp;05',
      'Poor (clean-room reflections)',
    ],
  ],
)}
<p>Raw data: ${attachmentLink('atlas-pilot-data.zip')}.</p>`;

const retro = `<h1>Atlas retrospective</h1>
<ac:structured-macro ac:name="quote" ac:schema-version="1"><ac:rich-text-body><p>We built a great scanner for a problem customers solve once per site.</p></ac:rich-text-body></ac:structured-macro>
<p>&mdash; ${mention(ID.marcus)}, at the stop decision on ${date('2025-06-12')}</p>
<h2>What we keep</h2><ul><li><p>The loop-closure code moved into the robot mapping stack.</p></li><li><p>The glass-wall filter (now part of firmware 2025.9).</p></li></ul>
<h2>What we learned</h2><ol><li><p>Validate frequency of use before hardware.</p></li><li><p>Customers valued <em>time to first mission</em>, not map quality.</p></li></ol>`;

const bom = `<h1>Atlas scanner bill of materials</h1>
${panel('info', '<p>Hardware is no longer produced. Remaining units are in the Zürich lab.</p>')}
${code(
  'json',
  `[
  { "part": "Ouster OS0-64 lidar", "qty": 1, "unit_eur": 6900 },
  { "part": "Jetson Orin NX 16GB", "qty": 1, "unit_eur": 780 },
  { "part": "Custom handle & battery pack", "qty": 1, "unit_eur": 240 }
]`,
  { title: 'bom.json' },
)}`;

/** A finished project's space, archived. */
export const archiveSpace: SeedSpace = {
  key: 'ATLAS',
  name: 'Project Atlas (archived)',
  type: 'collaboration',
  status: 'archived',
  description: 'Handheld indoor-mapping scanner pilot, stopped in June 2025. Read-only.',
  authorId: ID.zoe,
  createdAt: '2025-01-06T09:00:00Z',
  labels: ['archived', 'project'],
  homepage: {
    title: 'Project Atlas',
    authorId: ID.zoe,
    createdAt: '2025-01-06T09:00:00Z',
    body: `<p>Project Atlas explored a handheld scanner to map customer sites before robots arrive. <strong>Stopped in June 2025</strong>; see the retrospective.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2" />`,
    children: [
      {
        title: 'Atlas pilot results',
        authorId: ID.zoe,
        createdAt: '2025-06-02T10:00:00Z',
        labels: ['pilot', 'results'],
        body: results,
      },
      {
        title: 'Atlas retrospective',
        authorId: ID.zoe,
        createdAt: '2025-06-16T10:00:00Z',
        labels: ['retrospective'],
        body: retro,
      },
      {
        title: 'Atlas scanner bill of materials',
        authorId: ID.aiko,
        createdAt: '2025-01-20T10:00:00Z',
        labels: ['hardware', 'bom'],
        body: bom,
      },
    ],
  },
};
