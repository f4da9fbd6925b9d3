import { EMOTICON_EMOJI, emoticonNameOf } from '../emoticons.js';
import { MARKER_PARAMETERS, MARKERS } from '../macro-forms.js';
import { escapeXml, structuredMacro } from './xhtml.js';

/** Text as Markdown gave it, with the offsets of characters that were escaped (`\[`) or written as entities. */
export interface TextRun {
  readonly text: string;
  readonly escaped: ReadonlySet<number>;
}

/** Where the text sits, which decides what of it becomes a Confluence construct. */
export interface TextPlace {
  /** Whether ISO dates become date chips (not in headings, nor when turned off). */
  readonly dates: boolean;
  /** Link text and code keep everything as text. */
  readonly literal: boolean;
}

const DATE = /(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])/g;

// `[Table of contents]` and the other markers storageToMarkdown writes for generated-content macros.
const MARKER_MACROS = new Map<string, string>();
for (const [name, label] of Object.entries(MARKERS)) {
  if (!MARKER_MACROS.has(label)) MARKER_MACROS.set(label, name);
}

function isValidDate(year: string, month: string, day: string): boolean {
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.getUTCDate() === Number(day) &&
    date.getUTCFullYear() === Number(year)
  );
}

/**
 * Escaped text with legacy emoji as `ac:emoticon` and, where the place allows, ISO dates as `<time>`. Emoji at
 * offsets in `escaped` (`offset` added), written in the Markdown as character references, stay text.
 */
export function plainTextToStorage(
  text: string,
  place: TextPlace,
  escaped: ReadonlySet<number> = new Set(),
  offset = 0,
): string {
  if (place.literal) return escapeXml(text);
  let out = '';
  let last = 0;
  const pieces: { index: number; length: number; storage: string }[] = [];
  for (const match of text.matchAll(EMOTICON_EMOJI)) {
    const name = emoticonNameOf(match[0]);
    if (name !== undefined && !escaped.has(offset + match.index)) {
      pieces.push({
        index: match.index,
        length: match[0].length,
        storage: `<ac:emoticon ac:name="${name}" />`,
      });
    }
  }
  if (place.dates) {
    for (const match of text.matchAll(DATE)) {
      const [whole, year = '', month = '', day = ''] = match;
      if (isValidDate(year, month, day)) {
        pieces.push({ index: match.index, length: whole.length, storage: `<time datetime="${whole}" />` });
      }
    }
  }
  pieces.sort((a, b) => a.index - b.index);
  for (const piece of pieces) {
    if (piece.index < last) continue;
    out += escapeXml(text.slice(last, piece.index)) + piece.storage;
    last = piece.index + piece.length;
  }
  return out + escapeXml(text.slice(last));
}

/** Marker parameters `labels=howto, spaces=ENG`; a piece without `=` continues the previous value. */
function markerParameters(described: string): [string, string][] {
  const parameters: [string, string][] = [];
  for (const piece of described.split(', ')) {
    const equals = piece.indexOf('=');
    const previous = parameters[parameters.length - 1];
    if (equals > 0) parameters.push([piece.slice(0, equals), piece.slice(equals + 1)]);
    else if (previous !== undefined) previous[1] += `, ${piece}`;
  }
  return parameters.filter(([name]) => MARKER_PARAMETERS.has(name));
}

/** The macro a marker such as `Content by label (labels=howto)` stands for, or undefined. */
export function markerMacro(inner: string): string | undefined {
  const match = /^([A-Z][A-Za-z ]+?)(?: \((.+)\))?$/s.exec(inner);
  const name = match?.[1] === undefined ? undefined : MARKER_MACROS.get(match[1]);
  if (match === null || name === undefined) return undefined;
  return structuredMacro(name, match[2] === undefined ? [] : markerParameters(match[2]));
}

/** Index of the unescaped `]` closing the `[` at `open`, or -1. */
function closingBracket(run: TextRun, open: number): number {
  for (let index = open + 1; index < run.text.length; index++) {
    const char = run.text[index];
    if (run.escaped.has(index)) continue;
    if (char === '[' || char === '\n') return -1;
    if (char === ']') return index;
  }
  return -1;
}

/** A text run as storage: markers become their macros, the rest {@link plainTextToStorage}. */
export function textRunToStorage(
  run: TextRun,
  place: TextPlace,
): { storage: string; markers: number; hasText: boolean } {
  if (place.literal || !run.text.includes('[')) {
    return {
      storage: plainTextToStorage(run.text, place, run.escaped),
      markers: 0,
      hasText: /\S/.test(run.text),
    };
  }
  let out = '';
  let last = 0;
  let markers = 0;
  let hasText = false;
  for (let open = run.text.indexOf('['); open !== -1; open = run.text.indexOf('[', open + 1)) {
    if (run.escaped.has(open) || open < last) continue;
    const close = closingBracket(run, open);
    if (close === -1) continue;
    const macro = markerMacro(run.text.slice(open + 1, close));
    if (macro === undefined) continue;
    const before = run.text.slice(last, open);
    hasText ||= /\S/.test(before);
    out += plainTextToStorage(before, place, run.escaped, last) + macro;
    last = close + 1;
    markers++;
  }
  const rest = run.text.slice(last);
  hasText ||= /\S/.test(rest);
  return { storage: out + plainTextToStorage(rest, place, run.escaped, last), markers, hasText };
}

/** The status macro for a code span such as `[STATUS: IN PROGRESS (yellow)]`, or undefined. */
export function statusMacro(code: string): string | undefined {
  const match = /^\[STATUS(?:: (.*?))?(?: \(([a-z]+)\))?\]$/s.exec(code);
  if (match === null) return undefined;
  const parameters: [string, string][] = [];
  const colour = match[2];
  if (colour !== undefined) parameters.push(['colour', colour.charAt(0).toUpperCase() + colour.slice(1)]);
  if (match[1] !== undefined) parameters.push(['title', match[1]]);
  return structuredMacro('status', parameters);
}
