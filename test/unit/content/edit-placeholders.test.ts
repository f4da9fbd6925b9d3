import { describe, expect, it } from 'vitest';
import { describeFragment } from '../../../src/content/edit/apply.js';
import { editableDocument } from '../../../src/content/edit/editable.js';
import {
  type ApplyResult,
  applyEditedMarkdown,
  storageToEditableMarkdown,
} from '../../../src/content/preservation.js';

// Where placeholders stand, what a refusal says about them, and how far the editable form goes before it keeps
// content whole: the promises a model relies on to edit a page without losing what Markdown cannot hold.

const jira =
  '<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="key">PAY-1</ac:parameter></ac:structured-macro>';
const anchor =
  '<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">a1</ac:parameter></ac:structured-macro>';
// A macro this converter does not know, with a body: Markdown keeps its body editable between two placeholders.
const mystery =
  '<ac:structured-macro ac:name="mystery"><ac:rich-text-body><p>in</p></ac:rich-text-body></ac:structured-macro>';
const legacyMystery =
  '<ac:macro ac:name="mystery"><ac:rich-text-body><p>in</p></ac:rich-text-body></ac:macro>';
const marker = (text: string) => `<ac:inline-comment-marker ac:ref="r">${text}</ac:inline-comment-marker>`;

function saved(result: ApplyResult): string {
  if ('refused' in result) throw new Error(result.refused);
  return result.storage;
}

function refusal(result: ApplyResult): string {
  if ('storage' in result) throw new Error('expected a refusal');
  return result.refused;
}

describe('a preserved fragment, as a refusal names it', () => {
  it('is named by the construct it holds, whitespace around it or not', () => {
    expect(describeFragment(jira)).toBe('jira macro (key=PAY-1)');
    expect(describeFragment(`\n  ${jira}\n`)).toBe('jira macro (key=PAY-1)');
  });

  it('is the start of a construct when the construct closes before the fragment ends', () => {
    expect(describeFragment(`${jira}${anchor}`)).toBe('start of jira macro (key=PAY-1)');
  });

  it('is the end of an element when it starts with a closing tag, named without the ac: prefix', () => {
    expect(describeFragment('</ac:layout-cell><ac:layout-cell>')).toBe('end of layout cell');
    expect(describeFragment('</ac:rich-text-body></ac:structured-macro>')).toBe('end of rich text body');
    expect(describeFragment('</x-ac:y>')).toBe('end of x ac:y');
  });

  it('is "Confluence content" when it holds nothing Markdown loses, or text before a closing tag', () => {
    expect(describeFragment('<p>x</p>')).toBe('Confluence content');
    expect(describeFragment('x</p>')).toBe('Confluence content');
    expect(describeFragment('')).toBe('Confluence content');
  });
});

describe('a refused edit', () => {
  it('lists every missing placeholder with what it stands for', () => {
    const { markdown, preserved } = storageToEditableMarkdown(`${jira}<p>See ${anchor}here.</p>`);
    const without = markdown.replace(/<!--\s*confluence-keep(-inline)? \d[^>]*-->/g, '');
    expect(refusal(applyEditedMarkdown(without, preserved))).toContain(
      'these placeholders are missing: 1 (jira macro (key=PAY-1)), 2 (anchor a1). Put each',
    );
  });

  it('names each problem, separated so that each reads on its own', () => {
    const { markdown, preserved } = storageToEditableMarkdown(`${jira}<p>See ${anchor}here.</p>`);
    const edited = markdown.replace(/<!--confluence-keep-inline 2[^>]*-->/, '');
    expect(refusal(applyEditedMarkdown(`${edited}\n\n${edited}`, preserved))).toBe(
      'Not saved, so no Confluence content is lost: these placeholders are missing: 2 (anchor a1). Put each ' +
        '"confluence-keep" comment back where it was, or list its id in removed to delete what it stands for; ' +
        'these placeholders appear more than once: 1 (jira macro (key=PAY-1)).',
    );
  });

  it('quotes at most five damaged placeholders, each cut short, and says to copy them exactly', () => {
    const { markdown, preserved } = storageToEditableMarkdown(`${jira}<p>x</p>`);
    const label = 'a made-up label that goes on and on well past sixty characters of text';
    const made = Array.from({ length: 7 }, (_, i) => `<!-- confluence-keep ${90 + i}: ${label} -->`);
    const message = refusal(applyEditedMarkdown(`${markdown}\n\n${made.join('\n\n')}`, preserved));
    const quoted = [...message.matchAll(/"(confluence-keep 9\d[^"]*)"/g)].map((m) => m[1]);
    expect(quoted).toEqual([90, 91, 92, 93, 94].map((id) => `confluence-keep ${id}: ${label}`.slice(0, 60)));
    expect(message).toContain(`damaged or unknown: ${quoted.map((text) => `"${text}"`).join(', ')}; copy`);
    expect(message).toMatch(/; copy them exactly as given\.$/);
  });

  it('says how to fix placeholders that no longer pair up', () => {
    const layout =
      '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>a</p></ac:layout-cell>' +
      '<ac:layout-cell><p>b</p></ac:layout-cell></ac:layout-section></ac:layout>';
    const { markdown, preserved } = storageToEditableMarkdown(layout);
    const moved = markdown.replace(/^(<!-- confluence-keep 1[^\n]*)$/m, '- item\n\n  $1');
    expect(refusal(applyEditedMarkdown(moved, preserved))).toMatch(
      /^Not saved, so no Confluence content is lost: the placeholders no longer pair up \(.+\): keep each start and end placeholder of a layout, panel or inline comment in order, and an inline comment start and end in the same paragraph\.$/,
    );
  });

  it('based on the read-only form says how to read the page for editing', () => {
    expect(refusal(applyEditedMarkdown('Intro\n\n[Confluence macro: jira (key=X)]', new Map()))).toBe(
      'The Markdown holds "[Confluence macro: …]" text, the read-only form of macros Markdown cannot express. ' +
        'Read the page for editing (placeholders like <!-- confluence-keep 3: … -->) and edit that Markdown.',
    );
  });
});

describe('where a placeholder stands', () => {
  it('on lines of its own for a block macro in a list item, in either macro syntax', () => {
    for (const macro of [mystery, legacyMystery]) {
      const storage = `<ul><li>${macro}</li></ul>`;
      const { markdown, preserved } = storageToEditableMarkdown(storage);
      expect(markdown).toBe(
        '- <!-- confluence-keep 1: start of mystery macro -->\n\n  in\n\n  <!-- confluence-keep 2: end of mystery macro -->',
      );
      expect(saved(applyEditedMarkdown(markdown, preserved))).toBe(storage);
    }
  });

  it('inline, inside the paragraph, for a block macro that Confluence stored inside a paragraph', () => {
    const { markdown } = storageToEditableMarkdown(`<p>text ${mystery} more</p>`);
    expect(markdown).toBe(
      'text <!--confluence-keep-inline 1: start of mystery macro-->\n\nin\n\n<!--confluence-keep-inline 2: end of mystery macro--> more',
    );
  });

  it('apart from its neighbour when one is inline and the other a block, with only a space between them', () => {
    const storage = `<ul><li>${marker('x')} ${mystery}</li></ul>`;
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    expect(markdown).toBe(
      [
        '- <!--confluence-keep-inline 1: start of inline comment-->x<!--confluence-keep-inline 2: end of inline comment-->',
        '  <!-- confluence-keep 3: start of mystery macro -->',
        '  in',
        '  <!-- confluence-keep 4: end of mystery macro -->',
      ].join('\n\n'),
    );
    // The list item's loose text gets a paragraph of its own; every fragment comes back byte for byte.
    expect(saved(applyEditedMarkdown(markdown, preserved))).toBe(
      `<ul><li><p>${marker('x')}</p>${mystery}</li></ul>`,
    );
  });

  it('around the element that holds a construct Markdown would write as plain text, listed as that element only', () => {
    const storage = `<p>Use <code>a${marker('b')}</code> now</p>`;
    const { constructs } = storageToEditableMarkdown(storage);
    expect(constructs.map(({ kind, description, handling }) => ({ kind, description, handling }))).toEqual([
      { kind: 'unknown-element', description: 'content around a code element', handling: 'kept' },
    ]);
  });

  it('as close to such a construct as it can, however deep in plain-text elements it is', () => {
    const buried = (depth: number) =>
      `<p>Editable words <code>a${'<span>'.repeat(depth)}${marker('b')}${'</span>'.repeat(depth)}</code> end</p>`;
    // A few levels down, the inline code is kept whole and the words around it stay editable.
    const shallow = storageToEditableMarkdown(buried(5));
    expect(shallow.markdown).toBe(
      'Editable words <!--confluence-keep-inline 1: content around a code element--> end',
    );
    expect(saved(applyEditedMarkdown(shallow.markdown, shallow.preserved))).toBe(buried(5));
    // Deeper than the rounds it tries one level at a time, it climbs faster and still keeps everything.
    const deep = storageToEditableMarkdown(buried(12));
    expect([...deep.preserved.values()]).toEqual([buried(12)]);
    expect(saved(applyEditedMarkdown(deep.markdown, deep.preserved))).toBe(buried(12));
  });
});

describe('content nested deeper than Markdown can carry', () => {
  // Blockquotes nested `levels` deep; the innermost holds a paragraph between line breaks.
  const nested = (levels: number) =>
    `${'<blockquote>'.repeat(levels - 1)}<blockquote>\n<p>deep</p>\n</blockquote>${'</blockquote>'.repeat(levels - 1)}`;

  it('stays editable Markdown down to the depth the parser reads back', () => {
    const { markdown, constructs, preserved } = storageToEditableMarkdown(nested(99));
    expect(constructs).toEqual([]);
    expect(preserved.size).toBe(0);
    expect(markdown).toMatch(/> deep$/);
  });

  it('is kept whole below that depth, listed, and saved back byte for byte', () => {
    const storage = nested(100);
    const { markdown, constructs, preserved } = storageToEditableMarkdown(storage);
    expect(constructs.map(({ kind, description, handling }) => ({ kind, description, handling }))).toEqual([
      {
        kind: 'deep-nesting',
        description: 'content nested deeper than Markdown can carry',
        handling: 'kept',
      },
    ]);
    expect([...preserved.values()]).toEqual(['<blockquote>\n<p>deep</p>\n</blockquote>']);
    expect(markdown).toMatch(/> <!-- confluence-keep 1: content nested deeper than Markdown can carry -->$/);
    expect(saved(applyEditedMarkdown(markdown, preserved))).toBe(storage);
  });

  it('is listed once, not construct by construct, when what it keeps holds macros', () => {
    const storage = nested(100).replace('<p>deep</p>', `<p>deep ${jira}</p>${anchor}`);
    const { markdown, constructs, preserved } = storageToEditableMarkdown(storage);
    expect(constructs.map(({ kind }) => kind)).toEqual(['deep-nesting']);
    expect(preserved.size).toBe(1);
    expect(markdown).not.toContain('jira');
    expect(saved(applyEditedMarkdown(markdown, preserved))).toBe(storage);
  });
});

describe('the top-level groups of the editable form', () => {
  it('span their content, not the blank text around it', () => {
    expect(editableDocument(' x <em>y</em> <p>z</p>').groups.map(({ start, end }) => [start, end])).toEqual([
      [0, 13],
      [14, 22],
    ]);
    expect(editableDocument('  <em>y</em> x<p>z</p>').groups.map(({ start, end }) => [start, end])).toEqual([
      [2, 14],
      [14, 22],
    ]);
  });
});
