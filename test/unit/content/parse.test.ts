import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseStorage, type SourceElement, type SourceNode } from '../../../src/content/parse.js';

function element(node: SourceNode | undefined): SourceElement {
  if (node?.type !== 'element') throw new Error('expected an element');
  return node;
}

/** Children as text, or an element's name. */
function outline(parent: SourceElement): string[] {
  return parent.children.map((node) => (node.type === 'text' ? node.text : node.name));
}

/** The markup an element spans, its opening tag and its closing tag. */
function spans(storage: string, node: SourceElement): [string, string, string] {
  return [
    storage.slice(node.start, node.end),
    storage.slice(node.start, node.openEnd),
    storage.slice(node.closeStart, node.end),
  ];
}

describe('parseStorage', () => {
  it('keeps namespaced names and attributes, self-closing tags and CDATA verbatim', () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ri:page ri:content-title="A &amp; B"/>' +
      '<ac:plain-text-body><![CDATA[a &amp; <b>]]></ac:plain-text-body></ac:structured-macro>';
    const root = parseStorage(storage);
    const macro = element(root.children[0]);
    expect(macro.name).toBe('ac:structured-macro');
    expect(macro.attrs['ac:name']).toBe('code');
    const page = element(macro.children[0]);
    expect(page).toMatchObject({ name: 'ri:page', attrs: { 'ri:content-title': 'A & B' }, children: [] });
    const tag = '<ri:page ri:content-title="A &amp; B"/>';
    expect(spans(storage, page)).toEqual([tag, tag, '']);
    expect(page.parent).toBe(macro);
    const cdata = element(macro.children[1]).children;
    expect(cdata).toEqual([
      {
        type: 'text',
        text: 'a &amp; <b>',
        start: storage.indexOf('<![CDATA['),
        end: storage.indexOf(']]>') + 3,
      },
    ]);
  });

  it('decodes HTML named entities that are not XML entities, in text and attributes', () => {
    const root = parseStorage('<p title="a&nbsp;b&rsquo;">&mdash;&nbsp;&hellip;&amp;lt;&#169;&#x2603;</p>');
    const paragraph = element(root.children[0]);
    expect(paragraph.attrs.title).toBe('a\u00a0b’');
    expect(outline(paragraph)).toEqual(['—\u00a0…&lt;©☃']);
  });

  it('leaves unknown entities and ones without a semicolon as written', () => {
    const paragraph = element(parseStorage('<p>&bogus; &amp AT&T</p>').children[0]);
    expect(outline(paragraph)).toEqual(['&bogus; &amp AT&T']);
  });

  it('treats HTML void elements as empty even without a slash', () => {
    const paragraph = element(parseStorage('<p>a<br>b</br>c<source src="x">d</p>').children[0]);
    expect(outline(paragraph)).toEqual(['a', 'br', 'b', 'c', 'source', 'd']);
  });

  it('gives each element the offsets of its tags and its parent', () => {
    const storage = '<div class="x"><p>a <b>b</b></p><hr/></div>';
    const div = element(parseStorage(storage).children[0]);
    expect(spans(storage, div)).toEqual([storage, '<div class="x">', '</div>']);
    const [paragraph, rule] = div.children.map(element);
    expect(paragraph?.parent).toBe(div);
    expect(spans(storage, element(paragraph?.children[1]))).toEqual(['<b>b</b>', '<b>', '</b>']);
    expect(rule && spans(storage, rule)).toEqual(['<hr/>', '<hr/>', '']);
  });

  it('closes p, li, td and tr implicitly, each ending where the next begins', () => {
    const storage = '<ul><li>a<li>b</ul><table><tr><td>1<td>2<tr><th>3</table><p>x<p>y';
    const [list, table, first, second] = parseStorage(storage).children.map(element);
    expect(list?.children.map((item) => spans(storage, element(item)))).toEqual([
      ['<li>a', '<li>', ''],
      ['<li>b', '<li>', ''],
    ]);
    expect(table?.children.map((row) => outline(element(row)))).toEqual([['td', 'td'], ['th']]);
    expect(first && spans(storage, first)).toEqual(['<p>x', '<p>', '']);
    expect(second && spans(storage, second)).toEqual(['<p>y', '<p>', '']);
  });

  it('ignores unknown close tags, and a closing tag closes everything opened inside it', () => {
    const storage = '<div><span>a</em>b</div>c';
    const root = parseStorage(storage);
    expect(outline(root)).toEqual(['div', 'c']);
    const span = element(element(root.children[0]).children[0]);
    expect(outline(span)).toEqual(['a', 'b']);
    expect(spans(storage, span)).toEqual(['<span>a</em>b', '<span>', '']);
  });

  it('ends what the input leaves open where it ends, dropping a tag it ends inside', () => {
    const storage = '<p>a<strong>b<em';
    const paragraph = element(parseStorage(storage).children[0]);
    expect(outline(paragraph)).toEqual(['a', 'strong']);
    expect(paragraph.end).toBe(storage.length);
    expect(outline(element(paragraph.children[1]))).toEqual(['b']);
  });

  it('keeps no text for an empty CDATA section and ends an unterminated one at the input end', () => {
    expect(outline(element(parseStorage('<p><![CDATA[]]></p>').children[0]))).toEqual([]);
    const storage = '<p><![CDATA[open';
    const paragraph = element(parseStorage(storage).children[0]);
    expect(paragraph.children).toEqual([{ type: 'text', text: 'open', start: 3, end: storage.length }]);
  });

  it('stops nesting at MAX_DEPTH, keeping deeper text in the deepest element, marked truncated', () => {
    const root = parseStorage(`${'<div>'.repeat(MAX_DEPTH + 50)}deep<p>er</p>still<br/>more`);
    let depth = 0;
    let node: SourceElement = root;
    for (let next = node.children[0]; next?.type === 'element'; next = node.children[0]) {
      node = next;
      depth++;
    }
    expect(depth).toBe(MAX_DEPTH);
    expect(node.truncated).toBe(true);
    expect(node.parent?.truncated).toBe(false);
    // Flattened block elements still separate words.
    expect(outline(node).join('').replace(/\s+/g, ' ').trim()).toBe('deep er still more');
  });
});
