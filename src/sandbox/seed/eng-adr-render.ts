import { code, date, jira, mention, pageLink, panel, propertiesTable, status, ul } from './storage.js';
import type { SeedPage } from './types.js';

/** The facts of one architecture decision record; rendered with the team's ADR template. */
export interface Adr {
  number: number;
  title: string;
  /** ISO date the decision was taken; the page is created that day. */
  date: string;
  status: 'Accepted' | 'Proposed' | 'Superseded' | 'Deprecated';
  deciders: readonly string[];
  authorId: string;
  labels: readonly string[];
  /** Storage fragments (inline markup allowed). */
  context: string;
  decision: string;
  consequences: readonly string[];
  alternatives?: readonly string[];
  example?: { language: string; title: string; body: string };
  jiraKey?: string;
  /** Title of the ADR that replaced this one. */
  supersededBy?: string;
}

const COLOURS = { Accepted: 'Green', Proposed: 'Yellow', Superseded: 'Grey', Deprecated: 'Red' } as const;

/** The page title of an ADR, e.g. `ADR-004: Edge gateway is the only path to robots`. */
export function adrTitle(adr: Pick<Adr, 'number' | 'title'>): string {
  return `ADR-${String(adr.number).padStart(3, '0')}: ${adr.title}`;
}

function renderBody(adr: Adr, shownStatus: Adr['status']): string {
  const meta = propertiesTable([
    ['Status', status(COLOURS[shownStatus], shownStatus)],
    ['Date', date(adr.date)],
    ['Deciders', adr.deciders.map(mention).join(' ')],
    ...(adr.jiraKey === undefined ? [] : ([['Tracking', jira(adr.jiraKey)]] as [string, string][])),
  ]);
  const superseded =
    shownStatus === 'Superseded' && adr.supersededBy !== undefined
      ? panel('note', `<p>Superseded by ${pageLink(adr.supersededBy)}. Kept for history.</p>`)
      : '';
  const alternatives =
    adr.alternatives === undefined ? '' : `<h2>Alternatives considered</h2>${ul(adr.alternatives)}`;
  const example =
    adr.example === undefined
      ? ''
      : `<h2>Example</h2>${code(adr.example.language, adr.example.body, { title: adr.example.title })}`;
  return `${superseded}${meta}<h2>Context</h2><p>${adr.context}</p><h2>Decision</h2><p>${adr.decision}</p>${alternatives}<h2>Consequences</h2>${ul(adr.consequences)}${example}`;
}

/** Builds the page for an ADR; a superseded ADR keeps its accepted version in history. */
export function adrPage(adr: Adr): SeedPage {
  const page: SeedPage = {
    title: adrTitle(adr),
    authorId: adr.authorId,
    createdAt: `${adr.date}T10:00:00Z`,
    labels: ['adr', ...adr.labels],
    body: renderBody(adr, adr.status),
  };
  if (adr.status === 'Superseded') {
    return {
      ...page,
      history: [{ body: renderBody(adr, 'Accepted'), message: 'Accepted in architecture review' }],
    };
  }
  if (adr.status === 'Accepted' && adr.number % 5 === 0) {
    return {
      ...page,
      history: [
        {
          body: renderBody(adr, 'Proposed').replace('<h2>Context</h2>', '<h2>Background</h2>'),
          message: 'Proposal for review',
        },
        { body: renderBody(adr, 'Proposed'), message: 'Use the template heading', minorEdit: true },
      ],
    };
  }
  return page;
}
