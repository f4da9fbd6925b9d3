import { emoji, emoticon, excerpt, jira, pageLink, panel, status } from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

interface Release {
  version: string;
  date: string;
  highlights: readonly string[];
  fixes: readonly [string, string][];
  breaking?: string;
  draft?: boolean;
}

const RELEASES: readonly Release[] = [
  {
    version: '2025.12',
    date: '2025-12-09',
    highlights: [
      'Mission templates: save a mission and start it again with one click.',
      'Console dark mode.',
    ],
    fixes: [
      ['FLEET-1388', 'Robots at sites in Europe/Lisbon showed times one hour off.'],
      ['FLEET-1402', 'CSV export failed for sites with a comma in their name.'],
    ],
  },
  {
    version: '2026.1',
    date: '2026-01-13',
    highlights: [
      'New lidar driver with 15&nbsp;% better obstacle detection in low light.',
      'API v3: cursor pagination on all list endpoints.',
    ],
    fixes: [['FLEET-1431', 'Webhook retries used a fixed 5&nbsp;s delay instead of exponential backoff.']],
    breaking: 'AR-7 robots with board revision C must not install 2026.1.0; use 2026.1.1.',
  },
  {
    version: '2026.2',
    date: '2026-02-10',
    highlights: ['OTA campaigns can target robots by board revision.', 'Alert acknowledgement notes.'],
    fixes: [
      ['FLEET-1470', 'The map editor lost unsaved zones when the session expired.'],
      ['FLEET-1474', 'Low-battery alerts fired twice for robots on a dock with a loose contact.'],
    ],
  },
  {
    version: '2026.3',
    date: '2026-03-10',
    highlights: ['Fleet health dashboard (beta, by invitation).', 'Audit log export as CSV and JSON.'],
    fixes: [['FLEET-1512', 'Searching for a robot by serial number ignored lower-case input.']],
  },
  {
    version: '2026.4',
    date: '2026-04-07',
    highlights: ['API key expiry reminders.', 'Scheduled no-go zones (beta).'],
    fixes: [],
    draft: true,
  },
];

function releasePage(release: Release): SeedPage {
  const fixes = release.fixes.length
    ? `<ul>${release.fixes.map(([key, text]) => `<li><p>${text} ${jira(key)}</p></li>`).join('')}</ul>`
    : '<p><em>To be completed.</em></p>';
  const breaking =
    release.breaking === undefined
      ? ''
      : panel('warning', `<p>${release.breaking}</p>`, 'Read before upgrading');
  return {
    title: `Release notes ${release.version}`,
    authorId: ID.sofia,
    createdAt: `${release.date}T08:00:00Z`,
    labels: ['release-notes', `release-${release.version.replace('.', '-')}`],
    ...(release.draft ? { status: 'draft' as const } : {}),
    body: `${excerpt(`<p>Acme Fleet ${release.version}: ${release.highlights[0]}</p>`)}
<p>${status(release.draft ? 'Yellow' : 'Green', release.draft ? 'Draft' : 'Released')} Released on <time datetime="${release.date}" /> to all customers (firmware ${release.version}.0).</p>
${breaking}
<h2>${emoji('sparkles', '2728', '✨')} Highlights</h2><ul>${release.highlights.map((h) => `<li><p>${h}</p></li>`).join('')}</ul>
<h2>${emoticon('tick')} Fixes</h2>${fixes}
<hr />
<p>Full list: ${pageLink('Release notes')}.</p>`,
  };
}

/** Release notes, one child page per monthly release (the newest is still a draft). */
export const releaseNotesPage: SeedPage = {
  title: 'Release notes',
  authorId: ID.sofia,
  createdAt: '2025-06-02T09:00:00Z',
  labels: ['release-notes'],
  body: `<p>Customer-facing release notes, copied to <a href="https://docs.acme-robotics.example/changelog">the public changelog</a> on release day.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2"><ac:parameter ac:name="sort">creation</ac:parameter><ac:parameter ac:name="reverse">true</ac:parameter><ac:parameter ac:name="excerptType">simple</ac:parameter></ac:structured-macro>`,
  children: RELEASES.map(releasePage),
};
