import { Parser, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { DEMO_USER, demoSite, HR_USER, SEED_FACTS } from '../../../src/sandbox/seed/demo-site.js';
import type { SeedPage, SeedRestriction, SeedSpace } from '../../../src/sandbox/seed/types.js';

interface FlatPage {
  space: SeedSpace;
  page: SeedPage;
  parent?: SeedPage;
  depth: number;
  ancestors: readonly SeedPage[];
}

function flatten(): FlatPage[] {
  const out: FlatPage[] = [];
  const walk = (space: SeedSpace, page: SeedPage, ancestors: readonly SeedPage[]) => {
    const parent = ancestors[ancestors.length - 1];
    out.push({ space, page, depth: ancestors.length + 1, ancestors, ...(parent ? { parent } : {}) });
    for (const child of page.children ?? []) walk(space, child, [...ancestors, page]);
  };
  for (const space of demoSite.spaces) walk(space, space.homepage, []);
  return out;
}

const pages = flatten();
const bodies = pages.flatMap(({ space, page }) => [
  { where: `${space.key} / ${page.title}`, body: page.body },
  ...(page.history ?? []).map((v, i) => ({
    where: `${space.key} / ${page.title} (history ${i + 1})`,
    body: v.body,
  })),
]);
const corpus = bodies.map((b) => b.body).join('\n');
const userIds = new Set(demoSite.users.map((u) => u.accountId));
const byKey = (key: string) => demoSite.spaces.find((s) => s.key === key);
const find = (space: string, title: string) =>
  pages.find((p) => p.space.key === space && p.page.title === title);

const ROOT_OPEN =
  '<root xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier">';
/** Entities Confluence storage may contain: XML's five plus the HTML ones the editor writes. */
const ALLOWED_ENTITIES = new Set(
  'amp lt gt quot apos nbsp mdash ndash rsquo lsquo ldquo rdquo middot hellip rarr larr harr times minus euro pound sup2 deg copy'.split(
    ' ',
  ),
);

function withoutCdata(body: string): string {
  return body.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
}

/** Tag-balance problems in a storage body, found with htmlparser2's callbacks (which are lenient on their own). */
function balanceProblems(body: string): string[] {
  const xml = `${ROOT_OPEN}${body}</root>`;
  const problems: string[] = [];
  const stack: { name: string; selfClosing: boolean }[] = [];
  let explicitCloses = 0;
  const parser: Parser = new Parser(
    {
      onopentag(name) {
        const raw = xml.slice(parser.startIndex, parser.endIndex + 1);
        stack.push({ name, selfClosing: raw.endsWith('/>') });
      },
      onclosetag(name, isImplied) {
        const open = stack.pop();
        if (!open || open.name !== name) problems.push(`close of <${name}> does not match <${open?.name}>`);
        else if (isImplied && !open.selfClosing) problems.push(`<${name}> is never closed`);
        if (!isImplied) explicitCloses++;
      },
      onerror(error) {
        problems.push(error.message);
      },
    },
    { xmlMode: true, recognizeSelfClosing: true },
  );
  parser.end(xml);
  const closeTags = withoutCdata(xml).match(/<\/[\w:.-]+\s*>/g)?.length ?? 0;
  if (closeTags !== explicitCloses) problems.push(`${closeTags - explicitCloses} stray closing tag(s)`);
  if (stack.length) problems.push(`unclosed at end: ${stack.map((s) => s.name).join(', ')}`);
  return problems;
}

function entityProblems(body: string): string[] {
  const text = withoutCdata(body);
  const problems: string[] = [];
  for (const match of text.matchAll(/&([^;\s<&]{0,12});?/g)) {
    const [whole, name = ''] = match;
    if (!whole.endsWith(';'))
      problems.push(`bare ampersand near "${text.slice(match.index, match.index + 20)}"`);
    else if (!/^#(\d+|x[\da-f]+)$/i.test(name) && !ALLOWED_ENTITIES.has(name))
      problems.push(`unknown entity &${name};`);
  }
  return problems;
}

/** All attribute values of `ri:<element>` occurrences, decoded, with the enclosing ac:link's attributes. */
function references(body: string, element: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === element) found.push(attribs);
      },
    },
    { xmlMode: true, recognizeSelfClosing: true, decodeEntities: true },
  );
  parser.end(body);
  return found;
}

function visible(restriction: SeedRestriction | undefined, accountId: string): boolean {
  if (!restriction) return true;
  const groups = demoSite.groups.filter((g) => g.memberIds.includes(accountId)).map((g) => g.name);
  return (
    (restriction.users ?? []).includes(accountId) ||
    (restriction.groups ?? []).some((g) => groups.includes(g))
  );
}

describe('demo site seed', () => {
  it('describes the Acme Robotics site with a real IANA time zone', () => {
    expect(demoSite.name).toBe('acme');
    expect(demoSite.siteTitle).toContain('Acme Robotics');
    expect(() => new Intl.DateTimeFormat('en-GB', { timeZone: demoSite.defaultTimeZone })).not.toThrow();
    for (const user of demoSite.users) {
      expect(() => new Intl.DateTimeFormat('en-GB', { timeZone: user.timeZone })).not.toThrow();
    }
  });

  describe('users and groups', () => {
    it('has 10-14 people and one app account, with unique modern account ids and emails', () => {
      const people = demoSite.users.filter((u) => u.accountType === 'atlassian');
      expect(people.length).toBeGreaterThanOrEqual(10);
      expect(people.length).toBeLessThanOrEqual(14);
      expect(demoSite.users.filter((u) => u.accountType === 'app')).toHaveLength(1);
      for (const person of people) {
        expect(person.accountId).toMatch(
          /^712020:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
        expect(person.email).toMatch(/^[a-z.-]+@acme-robotics\.example$/);
      }
      expect(userIds.size).toBe(demoSite.users.length);
      expect(new Set(demoSite.users.map((u) => u.email.toLowerCase())).size).toBe(demoSite.users.length);
    });

    it('gives the demo user and at least two other people an API token', () => {
      expect(demoSite.users[0]).toBe(DEMO_USER);
      expect(DEMO_USER.apiToken).toMatch(/^ATATT3xFfGF0\S{40,}$/);
      const withTokens = demoSite.users.filter((u) => u.apiToken !== undefined);
      expect(withTokens.length).toBeGreaterThanOrEqual(3);
      expect(withTokens.every((u) => u.accountType === 'atlassian')).toBe(true);
      expect(new Set(withTokens.map((u) => u.apiToken)).size).toBe(withTokens.length);
    });

    it('has unique groups whose members all exist', () => {
      expect(demoSite.groups.length).toBeGreaterThanOrEqual(5);
      expect(new Set(demoSite.groups.map((g) => g.name)).size).toBe(demoSite.groups.length);
      for (const group of demoSite.groups) {
        expect(group.memberIds.length, group.name).toBeGreaterThan(0);
        for (const id of group.memberIds) expect(userIds.has(id), `${group.name}: ${id}`).toBe(true);
        expect(new Set(group.memberIds).size, group.name).toBe(group.memberIds.length);
      }
    });

    it('puts the demo user in most groups but not in hr or site-admins', () => {
      const demoGroups = demoSite.groups
        .filter((g) => g.memberIds.includes(DEMO_USER.accountId))
        .map((g) => g.name);
      expect(demoGroups.length * 2).toBeGreaterThan(demoSite.groups.length);
      expect(demoGroups).not.toContain('hr');
      expect(demoGroups).not.toContain('site-admins');
      expect(demoGroups).toContain('confluence-users');
    });

    it('names only existing users and groups in restrictions', () => {
      const groupNames = new Set(demoSite.groups.map((g) => g.name));
      const restrictions = [
        ...demoSite.spaces.map((s) => s.viewRestriction),
        ...pages.flatMap(({ page }) => [page.viewRestriction, page.editRestriction]),
      ].filter((r): r is SeedRestriction => r !== undefined);
      expect(restrictions.length).toBeGreaterThan(0);
      for (const r of restrictions) {
        for (const id of r.users ?? []) expect(userIds.has(id), id).toBe(true);
        for (const name of r.groups ?? []) expect(groupNames.has(name), name).toBe(true);
      }
    });
  });

  describe('spaces', () => {
    it('has ENG, PROD, a restricted HR space, a knowledge base, a personal space and an archived space', () => {
      expect(new Set(demoSite.spaces.map((s) => s.key)).size).toBe(demoSite.spaces.length);
      expect(byKey('ENG')?.type).toBe('global');
      expect(byKey('PROD')?.type).toBe('global');
      expect(byKey('HR')?.viewRestriction).toEqual({ groups: ['hr'] });
      expect(visible(byKey('HR')?.viewRestriction, DEMO_USER.accountId)).toBe(false);
      expect(visible(byKey('HR')?.viewRestriction, HR_USER.accountId)).toBe(true);
      expect(byKey(SEED_FACTS.knowledgeBaseSpace)?.type).toBe('knowledge_base');
      expect(demoSite.spaces.filter((s) => s.status === 'archived').map((s) => s.key)).toEqual([
        SEED_FACTS.archivedSpace,
      ]);
      expect(demoSite.spaces.filter((s) => s.labels?.length).length).toBeGreaterThanOrEqual(3);
    });

    it("keys the personal space as '~' plus its owner's account id", () => {
      const personal = demoSite.spaces.filter((s) => s.type === 'personal');
      expect(personal).toHaveLength(1);
      const [space] = personal;
      expect(space?.key).toBe(`~${space?.authorId.replace(/[^A-Za-z0-9]/g, '')}`);
      expect(space?.key).toBe(SEED_FACTS.personalSpace);
    });

    it('has authors who exist and creation dates in 2025-2026', () => {
      for (const space of demoSite.spaces) {
        expect(userIds.has(space.authorId), space.key).toBe(true);
        expect(space.createdAt).toMatch(/^202[56]-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(space.homepage.createdAt >= space.createdAt, space.key).toBe(true);
      }
    });
  });

  describe('page tree', () => {
    it('has at least 60 pages', () => {
      expect(pages.length).toBeGreaterThanOrEqual(60);
    });

    it('has a parent with at least 30 direct children', () => {
      const most = Math.max(...pages.map(({ page }) => page.children?.length ?? 0));
      expect(most).toBeGreaterThanOrEqual(30);
      const { space, title, childCount } = SEED_FACTS.manyChildren;
      expect(find(space, title)?.page.children).toHaveLength(childCount);
    });

    it('is at least four levels deep', () => {
      expect(Math.max(...pages.map((p) => p.depth))).toBeGreaterThanOrEqual(4);
      const leaf = find(SEED_FACTS.deepLeaf.space, SEED_FACTS.deepLeaf.title);
      expect(leaf?.depth).toBe(SEED_FACTS.deepLeaf.depth);
      expect(leaf?.page.children ?? []).toHaveLength(0);
    });

    it('has unique titles within each space', () => {
      for (const space of demoSite.spaces) {
        const titles = pages.filter((p) => p.space === space).map((p) => p.page.title);
        const dupes = titles.filter((t, i) => titles.indexOf(t) !== i);
        expect(dupes, space.key).toEqual([]);
      }
    });

    it('creates children after their parents, with ISO UTC timestamps in 2025-2026', () => {
      for (const { page, parent, space } of pages) {
        expect(page.createdAt, page.title).toMatch(/^202[56]-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(Number.isNaN(Date.parse(page.createdAt)), page.title).toBe(false);
        if (parent) expect(page.createdAt > parent.createdAt, `${space.key} / ${page.title}`).toBe(true);
      }
    });

    it('has authors, history authors and labels in the right shape', () => {
      for (const { page } of pages) {
        if (page.authorId) expect(userIds.has(page.authorId), page.title).toBe(true);
        for (const version of page.history ?? []) {
          if (version.authorId) expect(userIds.has(version.authorId), page.title).toBe(true);
          expect(version.body, page.title).not.toBe(page.body);
        }
        for (const label of page.labels ?? []) expect(label, page.title).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      }
      expect(pages.filter(({ page }) => page.labels?.length).length).toBeGreaterThan(pages.length / 2);
    });

    it('has pages with history, view and edit restrictions, drafts and an archived page', () => {
      const withHistory = pages.filter(({ page }) => (page.history?.length ?? 0) >= 2);
      expect(withHistory.length).toBeGreaterThanOrEqual(3);
      const { space, title, versions } = SEED_FACTS.withHistory;
      expect((find(space, title)?.page.history?.length ?? 0) + 1).toBe(versions);

      const byGroup = find(SEED_FACTS.restrictedToGroup.space, SEED_FACTS.restrictedToGroup.title)?.page;
      expect(byGroup?.viewRestriction?.groups).toEqual([SEED_FACTS.restrictedToGroup.group]);
      expect(visible(byGroup?.viewRestriction, DEMO_USER.accountId)).toBe(false);

      const byUser = find(SEED_FACTS.restrictedToUser.space, SEED_FACTS.restrictedToUser.title)?.page;
      expect(byUser?.viewRestriction?.users).toEqual([SEED_FACTS.restrictedToUser.userId]);
      expect(visible(byUser?.viewRestriction, DEMO_USER.accountId)).toBe(false);

      const editOnly = find(SEED_FACTS.editRestricted.space, SEED_FACTS.editRestricted.title)?.page;
      expect(editOnly?.viewRestriction).toBeUndefined();
      expect(editOnly?.editRestriction?.users).toEqual([SEED_FACTS.editRestricted.editorId]);
      expect(visible(editOnly?.editRestriction, DEMO_USER.accountId)).toBe(false);

      expect(pages.filter(({ page }) => page.status === 'draft').length).toBeGreaterThanOrEqual(1);
      expect(find(SEED_FACTS.draftPage.space, SEED_FACTS.draftPage.title)?.page.status).toBe('draft');
      expect(find(SEED_FACTS.archivedPage.space, SEED_FACTS.archivedPage.title)?.page.status).toBe(
        'archived',
      );
    });

    it('names only pages that exist in SEED_FACTS', () => {
      const refs = Object.values(SEED_FACTS).flatMap((v) => (typeof v === 'object' ? [v] : []));
      expect(refs.length).toBeGreaterThan(10);
      for (const ref of refs) expect(find(ref.space, ref.title), `${ref.space} / ${ref.title}`).toBeDefined();
    });
  });

  describe('storage bodies', () => {
    it('are well-formed XML inside a root declaring the ac and ri namespaces', () => {
      for (const { where, body } of bodies) {
        expect(balanceProblems(body), where).toEqual([]);
        expect(entityProblems(body), where).toEqual([]);
        const doc = parseDocument(`${ROOT_OPEN}${body}</root>`, { xmlMode: true });
        expect(
          doc.children.filter((n) => n.type === 'tag'),
          where,
        ).toHaveLength(1);
      }
    });

    it('notices unbalanced markup (the checker itself works)', () => {
      expect(balanceProblems('<p><strong>bold</p>')).not.toEqual([]);
      expect(balanceProblems('<p>text</p></p>')).not.toEqual([]);
      expect(balanceProblems('<ul><li>never closed</li>')).not.toEqual([]);
      expect(balanceProblems('<p>fine<br /></p><ac:emoticon ac:name="tick" />')).toEqual([]);
      expect(entityProblems('<p>R&D</p>')).not.toEqual([]);
    });

    it('mention only users that exist', () => {
      const mentioned = bodies.flatMap(({ body }) =>
        references(body, 'ri:user').map((a) => a['ri:account-id']),
      );
      expect(mentioned.length).toBeGreaterThan(50);
      for (const id of mentioned) expect(userIds.has(id ?? ''), id).toBe(true);
    });

    it('link only to pages that exist, in the same space unless a space key is given', () => {
      let links = 0;
      for (const { space, page } of pages) {
        for (const body of [page.body, ...(page.history ?? []).map((v) => v.body)]) {
          for (const attrs of references(body, 'ri:page')) {
            links++;
            const key = attrs['ri:space-key'] ?? space.key;
            const title = attrs['ri:content-title'] ?? '';
            const target = find(key, title);
            expect(target, `${space.key} / ${page.title} -> ${key} / ${title}`).toBeDefined();
            expect(target?.page.status ?? 'current', `link to a draft: ${title}`).not.toBe('draft');
          }
        }
      }
      expect(links).toBeGreaterThan(100);
    });

    it('use unique task ids within each page', () => {
      for (const { where, body } of bodies) {
        const ids = [...body.matchAll(/<ac:task-id>(\d+)<\/ac:task-id>/g)].map((m) => m[1]);
        expect(new Set(ids).size, where).toBe(ids.length);
      }
    });

    it('split "]]>" inside code the way Confluence does', () => {
      const { space, title } = SEED_FACTS.cdataSplit;
      expect(find(space, title)?.page.body).toContain(']]]]><![CDATA[>');
    });

    it('include a page over 150 KB, a table of 200+ rows, and stay under 2 MB in total', () => {
      const size = (s: string) => Buffer.byteLength(s, 'utf8');
      const largest = Math.max(...pages.map(({ page }) => size(page.body)));
      const { space, title } = SEED_FACTS.largestPage;
      expect(size(find(space, title)?.page.body ?? '')).toBe(largest);
      expect(largest).toBeGreaterThan(150 * 1024);
      expect(size(corpus)).toBeLessThan(2 * 1024 * 1024);
      const table = find(SEED_FACTS.bigTable.space, SEED_FACTS.bigTable.title)?.page.body ?? '';
      const rows = Math.max(...table.split('</table>').map((t) => t.split('<tr>').length - 1));
      expect(rows).toBeGreaterThanOrEqual(SEED_FACTS.bigTable.minRows);
    });

    const constructs: [string, RegExp][] = [
      ['h1', /<h1>/],
      ['h2', /<h2>/],
      ['h3', /<h3>/],
      ['h4', /<h4>/],
      ['strong', /<strong>/],
      ['em', /<em>/],
      ['u', /<u>/],
      ['s or del', /<(s|del)>/],
      ['inline code', /<code>/],
      ['sub', /<sub>/],
      ['sup', /<sup>/],
      ['external link', /<a href="https?:\/\//],
      ['page link with space key', /<ri:page ri:content-title="[^"]+" ri:space-key="[^"]+" \/>/],
      ['page link without space key', /<ri:page ri:content-title="[^"]+" \/>/],
      ['page link with link body', /<ri:page [^>]*\/><ac:plain-text-link-body><!\[CDATA\[/],
      ['page link without link body', /<ri:page [^>]*\/><\/ac:link>/],
      ['anchor link', /<ac:link ac:anchor="[^"]+"><ac:plain-text-link-body>/],
      ['anchor link to another page', /<ac:link ac:anchor="[^"]+"><ri:page /],
      ['attachment link', /<ac:link><ri:attachment ri:filename="[^"]+" \/>/],
      ['user mention', /<ac:link><ri:user ri:account-id="[^"]+" \/><\/ac:link>/],
      [
        '3-level nested list',
        /<(ul|ol)>(?:(?!<\/(ul|ol)>)[\s\S])*<(ul|ol)>(?:(?!<\/(ul|ol)>)[\s\S])*<(ul|ol)>/,
      ],
      ['table header cells', /<tbody><tr><th>/],
      ['list in a table cell', /<td><ul>/],
      ['paragraphs in a table cell', /<td><p>(?:(?!<\/td>)[\s\S])*<\/p><p>/],
      ['colspan', /colspan="\d"/],
      ['rowspan', /rowspan="\d"/],
      ['nested table', /<td><table>/],
      ['code macro', /ac:name="code"/],
      ['code title', /<ac:parameter ac:name="title">[^<]+<\/ac:parameter><ac:parameter ac:name="language">/],
      ['CDATA body', /<ac:plain-text-body><!\[CDATA\[/],
      ['info panel', /ac:name="info"/],
      ['note panel', /ac:name="note"/],
      ['warning panel', /ac:name="warning"/],
      ['tip panel', /ac:name="tip"/],
      ['panel macro', /ac:name="panel"/],
      ['task list', /<ac:task-list><ac:task><ac:task-id>1<\/ac:task-id><ac:task-status>/],
      ['complete task', /<ac:task-status>complete<\/ac:task-status>/],
      ['incomplete task', /<ac:task-status>incomplete<\/ac:task-status>/],
      [
        'task with mention and date',
        /<ac:task-body>(?:(?!<\/ac:task-body>)[\s\S])*<ri:user (?:(?!<\/ac:task-body>)[\s\S])*<time datetime/,
      ],
      ['attached image', /<ac:image ac:alt="[^"]+" ac:width="\d+"><ri:attachment /],
      ['external image', /<ac:image[^>]*><ri:url ri:value="https:/],
      ['status lozenge', /ac:name="status" ac:schema-version="1"><ac:parameter ac:name="colour">/],
      ['expand macro', /ac:name="expand"/],
      ['two_equal layout', /<ac:layout-section ac:type="two_equal">/],
      ['three_equal layout', /<ac:layout-section ac:type="three_equal">/],
      ['single layout', /<ac:layout-section ac:type="single">/],
      ['emoticon', /<ac:emoticon ac:name="tick" \/>/],
      ['emoji', /ac:emoji-shortname=":[a-z_]+:"/],
      ['date', /<time datetime="\d{4}-\d\d-\d\d" \/>/],
      ['toc macro', /ac:name="toc"/],
      ['children macro', /ac:name="children"/],
      ['excerpt macro', /ac:name="excerpt"/],
      ['jira macro', /ac:name="jira"(?:(?!<\/ac:structured-macro>)[\s\S])*ac:name="key"/],
      ['anchor macro', /ac:name="anchor"/],
      ['noformat macro', /ac:name="noformat"/],
      ['quote', /<blockquote>|ac:name="quote"/],
      ['horizontal rule', /<hr \/>/],
      ['line break', /<br \/>/],
      ['&amp;', /&amp;/],
      ['&lt;', /&lt;/],
      ['&gt;', /&gt;/],
      ['&nbsp;', /&nbsp;/],
      ['&mdash;', /&mdash;/],
      ['non-ASCII text', /Zürich|naïve/],
      ['emoji character', /\p{Extended_Pictographic}/u],
    ];

    it.each(constructs)('include %s', (name, pattern) => {
      // A boolean, so a failure does not print the whole 1 MB corpus.
      expect(pattern.test(corpus), name).toBe(true);
    });

    it('include code macros in bash, python, typescript, java, sql, yaml and json', () => {
      for (const language of ['bash', 'python', 'typescript', 'java', 'sql', 'yaml', 'json']) {
        const param = `<ac:parameter ac:name="language">${language}</ac:parameter>`;
        expect(corpus.includes(param), language).toBe(true);
      }
      expect(/<!\[CDATA\[[^\]]*(<|&)/.test(corpus), 'code with < or &').toBe(true);
    });
  });
});
