import { describe, expect, it } from 'vitest';
import { isWellFormedStorage, storageProblem } from '../../../src/content/markdown-to-storage.js';

describe('storageProblem', () => {
  it('accepts storage as Confluence stores it, HTML named entities included', () => {
    const storage =
      '<p>a&nbsp;&mdash;&amp;&#160;&#xA0;</p><ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[<x> & ]]]]><![CDATA[>]]></ac:plain-text-body></ac:structured-macro><br /><!-- note -->';
    expect(storageProblem(storage)).toBeUndefined();
    expect(isWellFormedStorage(storage)).toBe(true);
  });

  it.each([
    ['<p>open', 'element <p> is not closed'],
    ['<p><b></p></b>', 'element <b> is closed by </p>'],
    ['</p>', 'closing tag </p> has no opening tag'],
    ['<p>a & b</p>', '"&" at "& b" is not escaped'],
    ['<p>&bogus;</p>', 'unknown entity &bogus;'],
    ['<p>a < b</p>', '"<" at offset 5 is not escaped'],
    ['<p>]]></p>', '"]]>" appears in text'],
    ['<p class=x>a</p>', 'attribute class on <p> has no quoted value'],
    ['<p a="1" a="2">a</p>', 'attribute a is repeated on <p>'],
    ['<a href="x<y">a</a>', 'attribute href on <a> contains "<"'],
    ['<p>\u0001</p>', 'character U+0001 at offset 3 is not allowed in XML'],
    ['<!-- a -- b -->', 'a comment contains "--"'],
    ['<![CDATA[open', 'a CDATA section is not closed'],
    ['<!DOCTYPE html><p>a</p>', 'declaration <!DOCTYPE html> is not allowed'],
    ['<p>a</p><br', 'markup at offset 8 is not finished'],
    ['<p>a</p', 'markup at offset 4 is not finished'],
  ])('explains what is wrong with %j', (storage, problem) => {
    expect(storageProblem(storage)).toBe(problem);
  });
});
