import { describe, expect, it } from 'vitest';
import {
  type ApplyResult,
  applyEditedMarkdown,
  preservationCheck,
  storageToEditableMarkdown,
} from '../../../src/content/preservation.js';
import { layoutsAndTablesPage } from '../../fixtures/content/layouts-and-tables.js';
import { lossyPage } from '../../fixtures/content/lossy-page.js';

const jira =
  '<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="key">PAY-1</ac:parameter></ac:structured-macro>';
const layout = (left: string, right: string) =>
  `<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell>${left}</ac:layout-cell>` +
  `<ac:layout-cell>${right}</ac:layout-cell></ac:layout-section></ac:layout>`;

function saved(result: ApplyResult): string {
  if ('refused' in result) throw new Error(result.refused);
  return result.storage;
}

function refusal(result: ApplyResult): string {
  if ('storage' in result) throw new Error('expected a refusal');
  return result.refused;
}

describe('preservationCheck', () => {
  it('lists what Markdown cannot carry with the nearest heading before it', () => {
    const storage = `<p>${jira}</p><h2>Notes</h2><p><ac:inline-comment-marker ac:ref="r1">marked</ac:inline-comment-marker> text</p>`;
    expect(
      preservationCheck(storage).lossy.map(({ kind, description, heading, handling }) => ({
        kind,
        description,
        heading,
        handling,
      })),
    ).toEqual([
      { kind: 'macro', description: 'jira macro (key=PAY-1)', heading: undefined, handling: 'kept' },
      { kind: 'inline-comment', description: 'inline comment', heading: 'Notes', handling: 'kept' },
    ]);
  });

  it('finds nothing to report on a page Markdown carries faithfully', () => {
    const storage =
      '<h1>T</h1><p><strong>b</strong> <ac:link><ri:user ri:account-id="u" /></ac:link> <time datetime="2026-01-01" /></p>' +
      '<ac:structured-macro ac:name="info"><ac:parameter ac:name="title">x</ac:parameter><ac:rich-text-body><p>y</p></ac:rich-text-body></ac:structured-macro>' +
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">js</ac:parameter><ac:parameter ac:name="linenumbers">true</ac:parameter><ac:plain-text-body><![CDATA[x]]></ac:plain-text-body></ac:structured-macro>' +
      '<table><tbody><tr><th>a</th></tr><tr><td colspan="2">b</td></tr></tbody></table>';
    expect(preservationCheck(storage).lossy).toEqual([]);
  });

  it('names each kind on the lossy fixture page and says which only lose formatting', () => {
    const lossy = preservationCheck(lossyPage.storage).lossy;
    expect(new Set(lossy.map((construct) => construct.kind))).toEqual(
      new Set([
        'macro',
        'macro-parameters',
        'inline-comment',
        'formatting',
        'anchor',
        'image',
        'mention',
        'extension',
        'placeholder',
      ]),
    );
    expect(
      lossy.filter((construct) => construct.handling === 'formatting-lost').map((c) => c.description),
    ).toEqual(['style "color: rgb(255,86,48);" on <span>', 'style "text-align: center;" on <p>']);
    expect(lossy.find((construct) => construct.description.startsWith('panel macro'))?.heading).toBe(
      'Timeline',
    );
  });

  it('reports a layout once, not each section and column', () => {
    const lossy = preservationCheck(layout('<p>a</p>', '<p>b</p>')).lossy;
    expect(lossy.map((construct) => construct.description)).toEqual(['page layout']);
  });
});

describe('storageToEditableMarkdown', () => {
  it('writes block placeholders on their own line and inline ones inside the paragraph', () => {
    const storage = `${jira}<p>See <ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">a1</ac:parameter></ac:structured-macro>here.</p>`;
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    expect(markdown).toBe(
      '<!-- confluence-keep 1: jira macro (key=PAY-1) -->\n\nSee <!--confluence-keep-inline 2: anchor a1-->here.',
    );
    expect([...preserved.values()]).toEqual([
      jira,
      storage.slice(storage.indexOf('<ac:structured-macro ac:name="anchor"'), storage.indexOf('here.')),
    ]);
  });

  it('keeps the body of layouts and panels with parameters editable between start and end placeholders', () => {
    const panel =
      '<ac:structured-macro ac:name="panel"><ac:parameter ac:name="bgColor">#eee</ac:parameter><ac:rich-text-body><p>In the panel</p></ac:rich-text-body></ac:structured-macro>';
    const { markdown } = storageToEditableMarkdown(layout(`<h2>Left</h2>${panel}`, '<p>Right</p>'));
    expect(markdown).toBe(
      [
        '<!-- confluence-keep 1: start of page layout, start of layout section two_equal, start of layout column -->',
        '## Left',
        '<!-- confluence-keep 2: start of panel macro (bgColor=#eee) -->',
        'In the panel',
        '<!-- confluence-keep 3: end of panel macro (bgColor=#eee), end of layout column, start of layout column -->',
        'Right',
        '<!-- confluence-keep 4: end of layout column, end of layout section two_equal, end of page layout -->',
      ].join('\n\n'),
    );
  });

  it('keeps a construct Markdown would write as plain text inside the element around it', () => {
    const storage =
      '<p>Use <code>a<ac:inline-comment-marker ac:ref="r">b</ac:inline-comment-marker></code> now</p>';
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    expect(markdown).toBe('Use <!--confluence-keep-inline 1: content around a code element--> now');
    expect(preserved.get('1')).toBe(
      '<code>a<ac:inline-comment-marker ac:ref="r">b</ac:inline-comment-marker></code>',
    );
  });

  it('carries every code macro parameter in the info string and keeps header columns in HTML tables', () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="title">a.sql</ac:parameter><ac:parameter ac:name="language">sql</ac:parameter>' +
      '<ac:parameter ac:name="collapse">true</ac:parameter><ac:plain-text-body><![CDATA[select 1;]]></ac:plain-text-body></ac:structured-macro>' +
      '<table><tbody><tr><th><p>Owner</p></th><td><p>Ann</p></td></tr></tbody></table>';
    const { markdown } = storageToEditableMarkdown(storage);
    expect(markdown).toBe(
      '```sql title="a.sql" collapse="true"\nselect 1;\n```\n\n<table>\n<tr>\n<th>Owner</th>\n<td>Ann</td>\n</tr>\n</table>',
    );
  });

  it('gives the same Markdown and ids for the same storage', () => {
    const first = storageToEditableMarkdown(lossyPage.storage);
    const second = storageToEditableMarkdown(lossyPage.storage);
    expect(second.markdown).toBe(first.markdown);
    expect([...second.preserved]).toEqual([...first.preserved]);
  });
});

describe('applyEditedMarkdown', () => {
  it('splices every fragment back byte for byte around edited text', () => {
    const { markdown, preserved } = storageToEditableMarkdown(layoutsAndTablesPage.storage);
    const edited = markdown.replace(
      'We own checkout, invoicing and the ledger.',
      'We own checkout and the ledger.',
    );
    const storage = saved(applyEditedMarkdown(edited, preserved));
    expect(storage).toContain('We own checkout and the ledger.');
    for (const fragment of preserved.values()) expect(storage).toContain(fragment);
  });

  it('keeps inline comment markers when the text around them changes', () => {
    const storage =
      '<p>Before <ac:inline-comment-marker ac:ref="r1">the marked words</ac:inline-comment-marker> after.</p>';
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    const result = saved(
      applyEditedMarkdown(markdown.replace('Before', 'Now before').replace('after', 'then'), preserved),
    );
    expect(result).toBe(
      '<p>Now before <ac:inline-comment-marker ac:ref="r1">the marked words</ac:inline-comment-marker> then.</p>',
    );
  });

  it('refuses when a placeholder is missing, naming the construct, and deletes it when listed as removed', () => {
    const storage = `<h2>Status</h2>${jira}<p>text</p>`;
    const { markdown, preserved } = storageToEditableMarkdown(storage);
    const without = markdown.replace('<!-- confluence-keep 1: jira macro (key=PAY-1) -->\n\n', '');
    expect(refusal(applyEditedMarkdown(without, preserved))).toBe(
      'Not saved, so no Confluence content is lost: these placeholders are missing: 1 (jira macro (key=PAY-1)). ' +
        'Put each "confluence-keep" comment back where it was, or list its id in removed to delete what it stands for.',
    );
    expect(saved(applyEditedMarkdown(without, preserved, { removed: ['1'] }))).toBe(
      '<h2>Status</h2><p>text</p>',
    );
  });

  it('refuses duplicated, damaged and unknown placeholders', () => {
    const { markdown, preserved } = storageToEditableMarkdown(`${jira}<p>x</p>`);
    expect(refusal(applyEditedMarkdown(`${markdown}\n\n${markdown}`, preserved))).toContain(
      'appear more than once: 1',
    );
    expect(refusal(applyEditedMarkdown(markdown.replace('keep 1', 'keep one!'), preserved))).toContain(
      'damaged or unknown',
    );
    expect(
      refusal(applyEditedMarkdown(`${markdown}\n\n<!-- confluence-keep 9: made up -->`, preserved)),
    ).toContain('damaged or unknown: "confluence-keep 9: made up"');
  });

  it('refuses placeholders moved apart so the storage would not be well-formed', () => {
    const { markdown, preserved } = storageToEditableMarkdown(layout('<p>a</p>', '<p>b</p>'));
    const moved = markdown.replace(/^(<!-- confluence-keep 1[^\n]*)$/m, '- item\n\n  $1');
    expect(refusal(applyEditedMarkdown(moved, preserved))).toContain('the placeholders no longer pair up');
  });

  it('refuses the read-only form of unknown macros', () => {
    expect(refusal(applyEditedMarkdown('[Confluence macro: jira (key=X)]', new Map()))).toContain(
      'read-only form',
    );
    expect(saved(applyEditedMarkdown('\\[Confluence macro: is just text]', new Map()))).toBe(
      '<p>[Confluence macro: is just text]</p>',
    );
  });

  it('numbers new tasks after the task ids kept in fragments', () => {
    const kept =
      '<ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>x</ac:task-body></ac:task></ac:task-list>';
    const storage = saved(
      applyEditedMarkdown('<!-- confluence-keep 1 -->\n\n- [ ] new', new Map([['1', kept]])),
    );
    expect(storage).toContain('<ac:task-id>8</ac:task-id>');
  });
});
