import { childElements, describedText } from '../dom.js';
import { EMOTICONS } from '../emoticons.js';
import { ALERTS, FILE_VIEWERS, MARKER_PARAMETERS, MARKERS } from '../macro-forms.js';
import type { SourceElement } from '../parse.js';

/** What kind of thing Markdown cannot carry. */
export type LossyKind =
  | 'macro'
  | 'macro-parameters'
  | 'layout'
  | 'inline-comment'
  | 'anchor'
  | 'extension'
  | 'placeholder'
  | 'mention'
  | 'image'
  | 'emoticon'
  | 'date'
  | 'unknown-element'
  | 'deep-nesting'
  | 'formatting';

/** How a lossy element is classified: kept whole, kept around an editable body, or only its formatting lost. */
export interface Classification {
  readonly kind: LossyKind;
  readonly description: string;
  readonly keep: 'whole' | 'wrap' | 'formatting';
  /** For `wrap`: the element whose content stays editable Markdown (the macro's rich-text body, or itself). */
  readonly body?: SourceElement;
}

interface Parameter {
  readonly name: string;
  readonly value: string;
  /** Holds elements (`ri:page`, `ri:user`, ...), which Markdown writes only as a description. */
  readonly structured: boolean;
}

function parameters(macro: SourceElement): Parameter[] {
  return macro.children
    .filter(
      (node): node is SourceElement =>
        node.type === 'element' && (node.name === 'ac:parameter' || node.name === 'ac:default-parameter'),
    )
    .map((node) => ({
      name: node.name === 'ac:default-parameter' ? '' : (node.attrs['ac:name'] ?? '').trim(),
      value: describedText(node),
      structured: node.children.some((child) => child.type === 'element'),
    }));
}

function describeMacro(name: string, params: readonly Parameter[]): string {
  const shown = params
    .filter((param) => param.value !== '')
    .map((param) => (param.name === '' ? param.value : `${param.name}=${param.value}`).slice(0, 60));
  const list = shown.length > 0 ? ` (${shown.join(', ').slice(0, 160)})` : '';
  return `${name || 'unnamed'} macro${list}`;
}

/** True when only these parameters are present, each plain text. */
function onlyParameters(params: readonly Parameter[], allowed: ReadonlySet<string>): boolean {
  return params.every((param) => allowed.has(param.name) && !param.structured);
}

const TITLE = new Set(['title']);
const STATUS = new Set(['title', 'colour', 'color']);
// The macro each marker label reads back as: the first with that label.
const MARKER_NAMES = new Set(
  Object.entries(MARKERS)
    .filter(([, label], index, entries) => entries.findIndex(([, other]) => other === label) === index)
    .map(([name]) => name),
);

/** True when a code or noformat macro's fenced form would lose something of it. */
function codeLoses(name: string, macro: SourceElement, params: readonly Parameter[]): boolean {
  const plain = childElements(macro, 'ac:plain-text-body')[0];
  // A rich-text body has no fenced form.
  if (plain === undefined && childElements(macro, 'ac:rich-text-body').length > 0) return true;
  // Markdown reads a carriage return as a line ending.
  if (plain?.children.some((node) => node.type === 'text' && node.text.includes('\r'))) return true;
  for (const param of params) {
    // A parameter holding elements, or characters the info string cannot carry.
    if (param.structured || /["`\n]/.test(param.value)) return true;
    // The info string holds a language only when it is one word, and noformat has none.
    const isLanguage = param.name === 'language' || param.name === '';
    if (isLanguage && (name === 'noformat' || /[\s=]/.test(param.value))) return true;
  }
  return false;
}

/** Why a macro's Markdown form loses something, as a classification, or undefined when it loses nothing. */
function classifyMacro(macro: SourceElement): Classification | undefined {
  const name = (macro.attrs['ac:name'] ?? '').trim().toLowerCase();
  const params = parameters(macro);
  const rich = childElements(macro, 'ac:rich-text-body')[0];
  const description = describeMacro(name, params);
  const wrapOrWhole = (kind: LossyKind): Classification =>
    rich === undefined
      ? { kind, description, keep: 'whole' }
      : { kind, description, keep: 'wrap', body: rich };
  if (name === 'code' || name === 'noformat') {
    return codeLoses(name, macro, params)
      ? { kind: 'macro-parameters', description, keep: 'whole' }
      : undefined;
  }
  if (name === 'status')
    return onlyParameters(params, STATUS)
      ? undefined
      : { kind: 'macro-parameters', description, keep: 'whole' };
  const alert = ALERTS[name];
  if (alert !== undefined) {
    const restored = name === 'info' || name === 'tip' || name === 'note' || name === 'warning';
    return restored && onlyParameters(params, TITLE) ? undefined : wrapOrWhole('macro-parameters');
  }
  if (name === 'expand') return onlyParameters(params, TITLE) ? undefined : wrapOrWhole('macro-parameters');
  if (name === 'quote') return params.length === 0 ? undefined : wrapOrWhole('macro-parameters');
  if (MARKERS[name] !== undefined) {
    return MARKER_NAMES.has(name) && onlyParameters(params, MARKER_PARAMETERS)
      ? undefined
      : { kind: 'macro-parameters', description, keep: 'whole' };
  }
  if (name === 'anchor')
    return { kind: 'anchor', description: `anchor ${params[0]?.value ?? ''}`.trim(), keep: 'whole' };
  if (FILE_VIEWERS.has(name)) return { kind: 'macro', description, keep: 'whole' };
  // Any other macro (a panel, a layout-like container, one this converter does not know) keeps its markup around
  // its body, which stays editable, or is kept whole when it has none.
  return wrapOrWhole('macro');
}

const LINK_TARGETS = new Set([
  'ri:page',
  'ri:blog-post',
  'ri:attachment',
  'ri:space',
  'ri:url',
  'ri:content-entity',
]);

function classifyLink(link: SourceElement): Classification | undefined {
  const target = childElements(link).find((child) => child.name.startsWith('ri:'));
  if (target === undefined) return undefined;
  if (target.name === 'ri:user') {
    if (target.attrs['ri:account-id']) return undefined;
    return { kind: 'mention', description: 'mention of a user without an account id', keep: 'whole' };
  }
  if (
    !LINK_TARGETS.has(target.name) ||
    (target.name === 'ri:page' && target.attrs['ri:content-title'] === undefined)
  ) {
    return { kind: 'unknown-element', description: `link to ${target.name.slice(3)}`, keep: 'whole' };
  }
  return undefined;
}

const IMAGE_ATTRIBUTES = new Set(['ac:alt', 'ac:title']);

function classifyImage(image: SourceElement): Classification | undefined {
  const target = childElements(image).find(
    (child) => child.name === 'ri:attachment' || child.name === 'ri:url',
  );
  const extra = Object.keys(image.attrs).filter((name) => !IMAGE_ATTRIBUTES.has(name));
  if (target !== undefined && extra.length === 0) return undefined;
  const name = target?.attrs['ri:filename'] ?? target?.attrs['ri:value'] ?? 'image';
  const size = image.attrs['ac:width'] ? ` (width ${image.attrs['ac:width']})` : '';
  return { kind: 'image', description: `image ${name}${size}`, keep: 'whole' };
}

function classifyEmoticon(emoticon: SourceElement): Classification | undefined {
  const name = emoticon.attrs['ac:name'] ?? '';
  const fallback = emoticon.attrs['ac:emoji-fallback'] ?? '';
  const id = emoticon.attrs['ac:emoji-id'] ?? '';
  if (
    EMOTICONS[name] !== undefined ||
    /\p{Extended_Pictographic}/u.test(fallback) ||
    /^[\da-f]{2,6}(?:-[\da-f]{2,6})*$/i.test(id)
  ) {
    return undefined;
  }
  return { kind: 'emoticon', description: `emoticon ${name || fallback}`.trim(), keep: 'whole' };
}

function classifyTime(time: SourceElement): Classification | undefined {
  const datetime = time.attrs.datetime ?? '';
  const heading = time.parent !== undefined && /^h[1-6]$/.test(time.parent.name) ? time.parent : undefined;
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(datetime);
  if (isDate && (heading === undefined || describedText(heading) === datetime)) return undefined;
  return { kind: 'date', description: `date ${datetime}`, keep: 'whole' };
}

const KNOWN_AC = new Set([
  'ac:parameter',
  'ac:default-parameter',
  'ac:rich-text-body',
  'ac:plain-text-body',
  'ac:plain-text-link-body',
  'ac:link-body',
  'ac:task-list',
  'ac:task',
  'ac:task-id',
  'ac:task-uuid',
  'ac:task-status',
  'ac:task-body',
]);

const FORMATTING_ELEMENTS = new Set(['font', 'center', 'big', 'small', 'mark']);

function formatting(element: SourceElement): Classification | undefined {
  const style = element.attrs.style;
  if (
    style !== undefined &&
    /(?:color|background|align|indent|margin|padding|decoration|font)/i.test(style)
  ) {
    return {
      kind: 'formatting',
      description: `style "${style.trim()}" on <${element.name}>`,
      keep: 'formatting',
    };
  }
  if (FORMATTING_ELEMENTS.has(element.name)) {
    return { kind: 'formatting', description: `<${element.name}> formatting`, keep: 'formatting' };
  }
  if ((element.name === 'td' || element.name === 'th') && element.attrs['data-highlight-colour']) {
    return {
      kind: 'formatting',
      description: `cell colour ${element.attrs['data-highlight-colour']}`,
      keep: 'formatting',
    };
  }
  if (element.name === 'table' && (element.attrs['data-layout'] ?? 'default') !== 'default') {
    return {
      kind: 'formatting',
      description: `table layout ${element.attrs['data-layout']}`,
      keep: 'formatting',
    };
  }
  if (element.name === 'col' && element.attrs.style) {
    return { kind: 'formatting', description: 'table column widths', keep: 'formatting' };
  }
  if (element.name === 'pre')
    return {
      kind: 'formatting',
      description: 'preformatted text (becomes a code block)',
      keep: 'formatting',
    };
  return undefined;
}

/** How an element's Markdown form loses something, or undefined when it carries the element faithfully. */
export function classify(element: SourceElement): Classification | undefined {
  const name = element.name;
  if (element.truncated) {
    return {
      kind: 'deep-nesting',
      description: `content nested deeper than Markdown is written`,
      keep: 'whole',
    };
  }
  switch (name) {
    case 'ac:structured-macro':
    case 'ac:macro':
      return classifyMacro(element);
    case 'ac:layout':
    case 'ac:layout-section':
    case 'ac:layout-cell': {
      const type = element.attrs['ac:type'];
      const description =
        name === 'ac:layout'
          ? 'page layout'
          : name === 'ac:layout-cell'
            ? 'layout column'
            : `layout section${type ? ` ${type}` : ''}`;
      return { kind: 'layout', description, keep: 'wrap', body: element };
    }
    case 'ac:inline-comment-marker':
      return { kind: 'inline-comment', description: 'inline comment', keep: 'wrap', body: element };
    case 'ac:adf-extension':
      return {
        kind: 'extension',
        description: `editor extension ${childElements(element)[0]?.attrs.type ?? ''}`.trim(),
        keep: 'whole',
      };
    case 'ac:placeholder':
      return {
        kind: 'placeholder',
        description: `instructional text "${describedText(element).slice(0, 60)}"`,
        keep: 'whole',
      };
    case 'ac:link':
      return classifyLink(element);
    case 'ac:image':
      return classifyImage(element);
    case 'ac:emoticon':
      return classifyEmoticon(element);
    case 'time':
      return classifyTime(element);
  }
  // Formulas and drawings have no Markdown form; custom elements keep their tags around editable content.
  if (name === 'math') return { kind: 'unknown-element', description: 'MathML formula', keep: 'whole' };
  if (name === 'svg') return { kind: 'unknown-element', description: 'SVG drawing', keep: 'whole' };
  if (/^[a-z][\w.]*-[\w.-]*$/.test(name)) {
    return { kind: 'unknown-element', description: `<${name}> element`, keep: 'wrap', body: element };
  }
  if (name.includes(':') && !name.startsWith('ri:') && !KNOWN_AC.has(name)) {
    return { kind: 'unknown-element', description: `<${name}> element`, keep: 'whole' };
  }
  return formatting(element);
}
