import { parseReference } from '../../../src/content/references.js';
import type { PageFacts } from './facts.js';

/**
 * The Markdown's text as letters and digits: link destinations, mentions, status lozenges and HTML tags taken
 * out, since the facts hold none of them as text.
 */
function markdownText(markdown: string): string {
  return alnum(
    markdown
      .replace(/\[@[^\]\n]*\]\(confluence-user:[^)\n]*\)/g, '')
      .replace(/`\[STATUS[^`\n]*\]`/g, '')
      .replace(/\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]/g, '')
      .replace(/^[ \t>]*\d{1,9}[.)](?=[ \t]|$)/gm, '')
      .replace(/\]\((<(?:[^<>\\\n]|\\.)*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)\)/g, ']')
      .replace(/<\/?(?:table|tr|td|th|u|sub|sup|br|details|summary)\b[^>\n]*>/g, ''),
  );
}

/** Letters and digits only: what survives any Markdown escaping or formatting around text. */
export function alnum(text: string): string {
  return text.replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Destinations of `[text](dest)` and `![alt](dest)`, unescaped, angle brackets removed. */
export function markdownDestinations(markdown: string): string[] {
  const destinations: string[] = [];
  const pattern = /\]\((<(?:[^<>\\\n]|\\.)*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)/g;
  for (const match of markdown.matchAll(pattern)) {
    let destination = match[1] ?? '';
    if (destination.startsWith('<')) destination = destination.slice(1, -1);
    destinations.push(destination.replace(/\\(.)/g, '$1'));
  }
  return destinations;
}

function destinationFact(destination: string): { link?: string; mention?: string; image?: string } {
  if (destination.startsWith('#')) return { link: `anchor|${destination.slice(1)}` };
  const reference = parseReference(destination);
  if (reference === undefined) return { link: `url|${destination}`, image: destination };
  const components = reference.components;
  const last = components[components.length - 1] ?? '';
  switch (reference.scheme) {
    case 'confluence-page':
      return { link: `page|${components.length > 1 ? components[0] : ''}|${last}` };
    case 'confluence-attachment':
      return { link: `attachment|${last}`, image: last };
    case 'confluence-user':
      return { mention: components.join('/') };
    case 'confluence-space':
      return { link: `ri:space|${last}` };
    case 'confluence-blog-post':
      // Attribute values sorted by name, as the facts hold them: content title, posting day, space key.
      return { link: `ri:blog-post|${components.slice(2).join('/')}|${components[1]}|${components[0]}` };
    default:
      return {};
  }
}

/** Facts of a page that its Markdown does not show, by kind. */
export function factsMissingFromMarkdown(
  facts: PageFacts,
  markdown: string,
): Partial<Record<keyof PageFacts, string[]>> {
  const missing: Partial<Record<keyof PageFacts, string[]>> = {};
  const note = (key: keyof PageFacts, value: string): void => {
    missing[key] ??= [];
    missing[key]?.push(value);
  };
  const flat = markdownText(markdown);
  const links = new Set<string>();
  const mentions = new Set<string>();
  const images = new Set<string>();
  for (const destination of markdownDestinations(markdown)) {
    const fact = destinationFact(destination);
    if (fact.link !== undefined) links.add(fact.link);
    if (fact.mention !== undefined) mentions.add(fact.mention);
    if (fact.image !== undefined) images.add(fact.image);
  }
  for (const heading of facts.headings) {
    const level = Number(heading.slice(1, 2));
    const text = alnum(heading.slice(3));
    const lines = markdown
      .split('\n')
      .filter((line) => new RegExp(`^[\\s>*\\-\\d.]*#{${level}}(?:[ \\t]|$)`).test(line))
      .map(alnum)
      .join('');
    if (!lines.includes(text)) note('headings', heading);
  }
  for (const link of facts.links) if (!links.has(link)) note('links', link);
  for (const mention of facts.mentions) if (!mentions.has(mention)) note('mentions', mention);
  for (const image of facts.images) if (!images.has(image)) note('images', image);
  for (const code of facts.code) {
    for (const line of code.split('\n'))
      if (line.trim() !== '' && !markdown.includes(line)) note('code', line);
  }
  for (const key of ['cells', 'texts'] as const) {
    for (const value of facts[key]) if (!flat.includes(alnum(value))) note(key, value);
  }
  // Panels and expands are `name: text`; their text is what must show.
  for (const key of ['panels', 'expands'] as const) {
    for (const value of facts[key]) {
      if (!flat.includes(alnum(value.slice(value.indexOf(': ') + 2)))) note(key, value);
    }
  }
  for (const task of facts.tasks) if (!flat.includes(alnum(task.slice(4)))) note('tasks', task);
  for (const state of ['[x]', '[ ]']) {
    const expected = facts.tasks.filter((task) => task.startsWith(state)).length;
    const shown = markdown.split('\n').filter((line) => line.trimStart().startsWith(`- ${state}`)).length;
    if (shown < expected) note('tasks', `${expected} tasks ${state}, ${shown} shown`);
  }
  for (const status of facts.statuses) {
    const title = status.replace(/ \([^)]*\)$/, '');
    if (!markdown.includes(`[STATUS: ${title}`)) note('statuses', status);
  }
  for (const date of facts.dates) if (!markdown.includes(date)) note('dates', date);
  return missing;
}
