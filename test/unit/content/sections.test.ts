import { describe, expect, it } from 'vitest';
import { findSection, listSections, locateSection, replaceSection } from '../../../src/content/sections.js';
import { corpus } from '../../fixtures/content/corpus.js';
import { layoutsAndTablesPage } from '../../fixtures/content/layouts-and-tables.js';

const page =
  '<h1>Guide</h1>\n<p>Intro &amp; scope</p>\n' +
  '<h2>Install</h2>\n<p>Run it.</p>\n<h3>On Linux</h3>\n<p>apt</p>\n' +
  '<h2>Configure   the  service</h2>\n<ul><li><p>one</p></li></ul>\n' +
  '<h2>Last</h2>\n<p>end</p>\n';

function changed(result: ReturnType<typeof replaceSection>): string {
  if ('error' in result) throw new Error(result.error);
  return result.storage;
}

/** Asserts the two strings are equal outside `[start, end)` of `before` and returns what replaced it. */
function splice(before: string, after: string, start: number, end: number): string {
  expect(after.slice(0, start)).toBe(before.slice(0, start));
  const tail = before.length - end;
  expect(after.slice(after.length - tail)).toBe(before.slice(end));
  return after.slice(start, after.length - tail);
}

describe('listSections', () => {
  it('lists headings with their levels in document order', () => {
    expect(listSections(page)).toEqual([
      { level: 1, text: 'Guide' },
      { level: 2, text: 'Install' },
      { level: 3, text: 'On Linux' },
      { level: 2, text: 'Configure the service' },
      { level: 2, text: 'Last' },
    ]);
  });

  it('includes headings inside layouts and table cells', () => {
    expect(listSections(layoutsAndTablesPage.storage).map((section) => section.text)).toEqual([
      'Payments team',
      'Services',
      'Contacts',
      'Now',
      'Next',
      'Later',
      'Runbook matrix',
      'Triage',
    ]);
  });
});

describe('replaceSection', () => {
  it('replaces a section body up to the next heading of its level, subsections included', () => {
    const after = changed(replaceSection(page, 'Install', '<p>New install text</p>', 'replace'));
    const start = page.indexOf('<h2>Install</h2>') + '<h2>Install</h2>'.length;
    const end = page.indexOf('<h2>Configure');
    expect(splice(page, after, start, end)).toBe('<p>New install text</p>');
  });

  it('appends to a section just before the next heading of its level or higher', () => {
    const after = changed(replaceSection(page, 'On Linux', '<p>dnf</p>', 'append'));
    const at = page.indexOf('<h2>Configure');
    expect(splice(page, after, at, at)).toBe('<p>dnf</p>');
  });

  it('runs the last section to the end of the page', () => {
    const after = changed(replaceSection(page, 'Last', '<p>new end</p>', 'replace'));
    const start = page.indexOf('<h2>Last</h2>') + '<h2>Last</h2>'.length;
    expect(splice(page, after, start, page.length)).toBe('<p>new end</p>');
  });

  it('matches headings loosely: case, runs of whitespace, leading hashes', () => {
    const after = changed(replaceSection(page, '## configure the SERVICE', '<p>x</p>', 'replace'));
    expect(after).toContain('<h2>Configure   the  service</h2><p>x</p><h2>Last</h2>');
  });

  it('ends a section inside a layout column where the column ends', () => {
    const storage = layoutsAndTablesPage.storage;
    const after = changed(replaceSection(storage, 'Contacts', '<p>Ask in #payments.</p>', 'replace'));
    const start = storage.indexOf('<h3>Contacts</h3>') + '<h3>Contacts</h3>'.length;
    const end = storage.indexOf('</ac:layout-cell>', start);
    expect(splice(storage, after, start, end)).toBe('<p>Ask in #payments.</p>');
  });

  it('ends a section before a layout or macro that holds the next heading of its level', () => {
    const storage =
      '<h2>A</h2><p>a</p><ac:structured-macro ac:name="expand"><ac:rich-text-body><h2>B</h2></ac:rich-text-body></ac:structured-macro>';
    const section = findSection(storage, 'A');
    expect(section).toMatchObject({
      level: 2,
      text: 'A',
      bodyStart: 10,
      bodyEnd: storage.indexOf('<ac:structured-macro'),
    });
  });

  it('refuses a heading that several match, listing them, and takes the occurrence asked for', () => {
    const storage = '<h2>Notes</h2><p>1</p><h2>Notes</h2><p>2</p>';
    expect(replaceSection(storage, 'Notes', '<p>x</p>', 'replace')).toEqual({
      error:
        '2 headings match "Notes": 1. "Notes" (h2); 2. "Notes" (h2). Pass occurrence (1 to 2) or the heading as a ' +
        'path of parent headings, such as "Parent > Heading".',
    });
    expect(changed(replaceSection(storage, 'Notes', '<p>x</p>', 'replace', 2))).toBe(
      '<h2>Notes</h2><p>1</p><h2>Notes</h2><p>x</p>',
    );
    expect(replaceSection(storage, 'Notes', '<p>x</p>', 'replace', 3)).toEqual({
      error: 'There are 2 headings "Notes", so no occurrence 3.',
    });
  });

  it('leaves every other byte of every demo page unchanged', () => {
    for (const { storage } of corpus()) {
      for (const { text } of listSections(storage).slice(0, 3)) {
        const section = findSection(storage, text);
        if (section === undefined) throw new Error(`no section ${text}`);
        const after = changed(replaceSection(storage, text, '<p>NEW</p>', 'replace'));
        expect(splice(storage, after, section.bodyStart, section.bodyEnd)).toBe('<p>NEW</p>');
      }
    }
  });

  it('says which headings exist when none matches, and refuses a fragment that is not well-formed', () => {
    expect(replaceSection(page, 'Uninstall', '<p>x</p>', 'replace')).toEqual({
      error:
        'No heading "Uninstall". The page\'s headings are: "Guide", "Install", "On Linux", "Configure the service", "Last".',
    });
    expect(replaceSection('<p>none</p>', 'X', '<p>x</p>', 'append')).toEqual({
      error: 'No heading "X": the page has no headings.',
    });
    expect(replaceSection(page, 'Install', '<p>open', 'replace')).toEqual({
      error: 'The new content is not valid storage format: element <p> is not closed.',
    });
  });
});

describe('locateSection: headings as the model sees them', () => {
  const storage =
    '<h1>Q1 review</h1><h2>Results</h2><h3><strong>Impact</strong></h3><p>q1 impact</p>' +
    '<h1>Q2 review</h1><h2>Results</h2><h3><strong>Impact</strong></h3><p>q2 impact</p>' +
    '<h2><ac:emoticon ac:name="tick" ac:emoji-fallback="✅" /> Done &amp; dusted</h2><p>done</p>' +
    '<h2>Launch 🚀</h2><p>launch</p><h2>Release <time datetime="2024-01-15" /></h2><p>release</p>';
  const body = (found: ReturnType<typeof locateSection>) => {
    if ('error' in found) throw new Error(found.error);
    return storage.slice(found.section.bodyStart, found.section.bodyEnd);
  };

  it('finds a heading by its Markdown: bold, emoji, escapes and date chips included', () => {
    expect(body(locateSection(storage, { heading: '✅ Done & dusted' }))).toBe('<p>done</p>');
    expect(body(locateSection(storage, { heading: '## ✅ Done \\& dusted' }))).toBe('<p>done</p>');
    expect(body(locateSection(storage, { heading: 'Done & dusted' }))).toBe('<p>done</p>');
    expect(body(locateSection(storage, { heading: 'Launch 🚀' }))).toBe('<p>launch</p>');
    expect(body(locateSection(storage, { heading: 'launch' }))).toBe('<p>launch</p>');
    expect(body(locateSection(storage, { heading: 'Release [2024-01-15](confluence-date:)' }))).toBe(
      '<p>release</p>',
    );
    expect(body(locateSection(storage, { heading: '**Impact**', occurrence: 2 }))).toBe('<p>q2 impact</p>');
  });

  it('tells duplicates apart by the path of parent headings or by occurrence', () => {
    expect(body(locateSection(storage, { heading: 'Q2 review > Results > **Impact**' }))).toBe(
      '<p>q2 impact</p>',
    );
    expect(body(locateSection(storage, { heading: 'Q1 review > Impact' }))).toBe('<p>q1 impact</p>');
    expect(body(locateSection(storage, { heading: 'Results', occurrence: 1 }))).toContain('q1 impact');
    expect(locateSection(storage, { heading: '**Impact**' })).toEqual({
      error:
        '2 headings match "**Impact**": 1. "Q1 review > Results > **Impact**" (h3); ' +
        '2. "Q2 review > Results > **Impact**" (h3). Pass occurrence (1 to 2) or the heading as a path of parent ' +
        'headings, such as "Parent > Heading".',
    });
    expect(locateSection(storage, { heading: 'Q3 review > Impact' })).toMatchObject({
      error: expect.stringMatching(/^No heading "Q3 review > Impact"\. The page's headings are: "Q1 review"/),
    });
  });
});

describe('locateSection on hostile headings', () => {
  it('answers quickly for a huge heading full of emphasis markers', () => {
    const storage = `<h2>${'*_'.repeat(200_000)}</h2><p>x</p><h2>Next</h2>`;
    const started = performance.now();
    expect(locateSection(storage, { heading: 'Next' })).toMatchObject({ section: { text: 'Next' } });
    expect(locateSection(storage, { heading: '*_'.repeat(250) })).toMatchObject({
      error: expect.any(String),
    });
    // Generous: quadratic matching would take minutes here.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
