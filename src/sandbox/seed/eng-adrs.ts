import { adrPage, adrTitle } from './eng-adr-render.js';
import { adrsPart1 } from './eng-adrs-data-1.js';
import { adrsPart2 } from './eng-adrs-data-2.js';
import { childrenMacro, emoticon, pageLink, panel, status } from './storage.js';
import type { SeedPage } from './types.js';
import { ID } from './users.js';

const adrs = [...adrsPart1, ...adrsPart2];

/** Title of the ADR log page, the parent with more children than one page of results. */
export const ADR_INDEX_TITLE = 'Architecture decision records';

const colours = { Accepted: 'Green', Proposed: 'Yellow', Superseded: 'Grey', Deprecated: 'Red' } as const;

const indexRows = adrs
  .map(
    (adr) =>
      `<tr><td><p>${pageLink(adrTitle(adr), { text: `ADR-${String(adr.number).padStart(3, '0')}` })}</p></td><td><p>${adr.title}</p></td><td><p>${status(colours[adr.status], adr.status)}</p></td><td><p><time datetime="${adr.date}" /></p></td></tr>`,
  )
  .join('');

/** The ADR log: an index table plus one child page per decision. */
export const adrIndexPage: SeedPage = {
  title: ADR_INDEX_TITLE,
  authorId: ID.jonas,
  createdAt: '2025-01-21T09:30:00Z',
  labels: ['adr', 'architecture'],
  body: `<p>Architecture decision records (ADRs) capture <em>why</em> the platform is built the way it is. Process: ${pageLink('ADR-001: Record architecture decisions')}.</p>
${panel('tip', `<p>Writing a new ADR? Copy the latest one, bump the number, set the status to ${status('Yellow', 'Proposed')} and ask for review in <code>#arch-review</code>. ${emoticon('thumbs-up')}</p>`, 'New ADR')}
<h2>Index</h2>
<table data-layout="wide"><tbody><tr><th><p>Number</p></th><th><p>Decision</p></th><th><p>Status</p></th><th><p>Date</p></th></tr>${indexRows}</tbody></table>
<h2>All records</h2>
${childrenMacro({ all: false, sort: 'title' })}`,
  children: adrs.map(adrPage),
};
