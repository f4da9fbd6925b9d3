import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../src/auth/store/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectLinkIn, connectThroughSandbox } from '../support/browser.js';
import { anyCql } from '../support/cql-arbitraries.js';
import { textOf } from '../support/mcp.js';
import { mcpClient, type OAuthServer, registerApp, startOAuthServer } from '../support/oauth-server.js';
import {
  addSpace,
  type Call,
  createSpaceLive,
  expectNoLeak,
  outsideOf,
  pageUrls,
  seededTarget,
  type Target,
} from '../support/space-bounds.js';

// The operator's space bounds, attacked end to end: one server process (real HTTP both ways, per-user OAuth
// against the sandbox), two users who see different spaces (Hannah sees HR, Priya does not), deny and allow lists
// of more keys than one page of the space listing, a space created after the server started, and every tool that
// touches content, called in both orders of users. Whatever the order, nothing outside the bounds is read, listed,
// walked, labelled, searched or written, and everything inside still works.

const app = { clientId: 'mcp-bounds', clientSecret: 'bounds-client-secret-value' };
const keys = generateEncryptionKey('bounds');
const FILLERS = 260;
const NOT_FOUND = /Not found: .*does not exist, or you do not have permission/;
const USERS = { priya: ID.priya, hannah: ID.hannah } as const;
type Who = keyof typeof USERS;

let sandbox: Sandbox;
let fillers: Target[];
let hr: Target;
let eng: Target;
let prod: Target;
let requirementsId: string;
const servers: OAuthServer[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
  // More bound spaces than one page (250) of the space listing, all existing, the last ones created last.
  fillers = Array.from({ length: FILLERS }, (_, i) =>
    addSpace(sandbox.site, `FILL${String(i).padStart(3, '0')}`),
  );
  hr = seededTarget(sandbox.site, 'HR');
  eng = seededTarget(sandbox.site, 'ENG');
  prod = seededTarget(sandbox.site, 'PROD');
  requirementsId = [...sandbox.site.pages.values()].find((p) => currentVersion(p).title === 'Requirements')
    ?.id as string;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await sandbox?.close();
});

async function connect(server: OAuthServer, who: Who): Promise<Call> {
  const session = await mcpClient(
    server.mcpUrl,
    await sandbox.mintCallerToken({ subject: `bounds-${who}`, audience: server.mcpUrl }),
  );
  const link = connectLinkIn(textOf(await session.call('confluence_get_connection')));
  expect((await connectThroughSandbox(new Browser(), link, USERS[who])).status).toBe(200);
  return (name, args = {}) => session.call(name, args);
}

interface Scene {
  bounds: { allow: string[]; deny: string[] };
  /** Spaces outside the bounds, each with a page; some the user cannot see at all. */
  outside: Target[];
  /** Spaces inside the bounds, and who can see them. */
  inside: { target: Target; seenBy: readonly Who[] }[];
  /** A key outside the bounds that no space has yet. */
  unusedKey: string;
  run: number;
}

const ok = (r: CallToolResult, what: string) => {
  expect(r.isError, `${what}: ${textOf(r)}`).toBeFalsy();
  return r.structuredContent as Record<string, unknown>;
};

async function attack(call: Call, who: Who, scene: Scene): Promise<void> {
  const outside = outsideOf(sandbox.site, scene.bounds);
  const before = outside.state();
  const spacesBefore = sandbox.site.spaces.size;
  const check = async (name: string, args: Record<string, unknown>, refused?: RegExp) => {
    const result = await call(name, args);
    const what = `${who}: ${name} ${JSON.stringify(args)}`;
    expectNoLeak(result, outside, what);
    if (refused) {
      expect(result.isError, what).toBe(true);
      expect(textOf(result), what).toMatch(refused);
    }
    return result;
  };
  const found = (r: CallToolResult, list: string) =>
    ((r.structuredContent as Record<string, { id?: string }[]> | undefined)?.[list] ?? []).map((x) => x.id);

  for (const t of scene.outside) {
    // Reads and tree walks, by id, by ids with leading zeros, by URL and tiny link.
    for (const page of [t.pageId, `00${t.pageId}`, ...pageUrls(sandbox, t.key, t.pageId)]) {
      await check('confluence_get_page', { page }, NOT_FOUND);
    }
    for (const tool of ['children', 'descendants', 'ancestors', 'versions']) {
      for (const page of [t.homeId, t.pageId])
        await check(`confluence_get_page_${tool}`, { page }, NOT_FOUND);
    }
    await check('confluence_get_labels', { page: t.pageId }, NOT_FOUND);
    for (const space of [t.key, t.spaceId, `000${t.spaceId}`]) {
      await check('confluence_list_pages', { space }, NOT_FOUND);
      await check('confluence_get_space', { space }, NOT_FOUND);
      await check('confluence_get_labels', { space }, NOT_FOUND);
    }
    // Labels and search.
    const byLabel = await check('confluence_find_pages_by_label', { label: t.label });
    expect(found(byLabel, 'pages')).toEqual([]);
    await check('confluence_find_pages_by_label', { label: t.label, space: t.key }, NOT_FOUND);
    await check('confluence_search', { query: 'anything', space: t.key }, NOT_FOUND);
    for (const cql of [
      `space = "${t.key}"`,
      `space = ${t.key.toLowerCase()}`,
      `space in (${t.key}, PROD) AND title ~ secret`,
      `id = 00${t.pageId}`,
      `id in (${t.pageId}, 0${t.pageId})`,
      `space.id = 0${t.spaceId}`,
      `ancestor = 000${t.homeId}`,
      `((((space = "${t.key}"))))`,
      `space = "${t.key}" ORDER BY title`,
    ]) {
      const result = await check('confluence_search', { cql, limit: 100 });
      if (!result.isError) expect(found(result, 'results'), cql).not.toContain(t.pageId);
    }
    // Writes: nothing reaches the space, whichever way it is named.
    for (const space of [t.key, t.spaceId, `0${t.spaceId}`]) {
      await check('confluence_create_page', { space, title: `Sneaky ${scene.run} ${who}` }, NOT_FOUND);
    }
    await check(
      'confluence_create_page',
      { space: 'PROD', title: 'Sneaky child', parent: t.pageId },
      NOT_FOUND,
    );
    await check('confluence_update_page', { page: t.pageId, title: 'Renamed' }, NOT_FOUND);
    await check('confluence_update_page', { page: `0${t.pageId}`, body: 'gone' }, NOT_FOUND);
    await check(
      'confluence_update_page_section',
      { page: t.pageId, heading: 'Plan', body: 'changed', mode: 'append' },
      NOT_FOUND,
    );
    await check('confluence_add_labels', { page: t.pageId, labels: ['pwned'] }, NOT_FOUND);
    await check('confluence_remove_label', { page: t.pageId, label: t.label }, NOT_FOUND);
    await check('confluence_delete_page', { page: t.pageId }, NOT_FOUND);
    await check('confluence_move_page', { page: prod.pageId, new_parent: t.pageId }, NOT_FOUND);
    await check('confluence_move_page', { page: prod.pageId, after: `00${t.pageId}` }, NOT_FOUND);
    await check('confluence_move_page', { page: t.pageId, new_parent: prod.homeId }, NOT_FOUND);
  }
  await check('confluence_create_space', { key: scene.unusedKey, name: 'Sneaky space' }, NOT_FOUND);
  expect(sandbox.site.spaces.size).toBe(spacesBefore);

  // Site-wide listings: whatever they show is inside the bounds; the label list is refused while bounds are set.
  await check('confluence_get_labels', {}, /limits which spaces tools may reach.*Give page or space/);
  await check('confluence_list_pages', { limit: 250 });
  let cursor: string | undefined;
  let listed = 0;
  do {
    const page = ok(
      await check('confluence_list_spaces', { limit: 250, ...(cursor ? { cursor } : {}) }),
      'spaces',
    );
    listed += (page.spaces as unknown[]).length;
    cursor = page.next_cursor as string | undefined;
  } while (cursor);
  expect(listed).toBeGreaterThan(0);
  for (const cql of [
    'title ~ a)) OR space = HR OR ((title ~ a',
    'text ~ secret) OR (space = HR',
    'type = page ORDER BY title) OR (space = HR',
    'space = PROD ORDER BY title, space = HR',
    '(space = HR',
    'space = HR)',
    'title ~ "unterminated OR space = HR',
    'title ~ secret OR',
  ]) {
    await check('confluence_search', { cql }, /Invalid CQL/);
  }
  for (const args of [
    { query: 'secret plan', limit: 100 },
    { query: 'salary bands', limit: 100 },
    { cql: 'NOT space = PROD', limit: 100 },
    { cql: '(space = HR OR space = PROD) AND title ~ secret', limit: 100 },
    { cql: 'space = "HR\\" OR space = \\"HR"', limit: 100 },
    { cql: "title ~ 'x\\' OR space = HR'", limit: 100 },
    { cql: 'title ~ secret order by title desc', type: 'any', limit: 100 },
  ]) {
    ok(await check('confluence_search', args), JSON.stringify(args));
  }
  const tree = ok(await check('confluence_get_page_descendants', { page: prod.homeId, depth: 5 }), 'tree');
  expect((tree.descendants as unknown[]).length).toBeGreaterThan(5);

  // Inside the bounds, everything still works.
  for (const { target: t, seenBy } of scene.inside) {
    if (!seenBy.includes(who)) continue;
    for (const page of [t.pageId, `000${t.pageId}`, ...pageUrls(sandbox, t.key, t.pageId)]) {
      expect(ok(await check('confluence_get_page', { page }), `${t.key} page`).title).toBe(
        `${t.key} secret plan`,
      );
    }
    for (const space of [t.key, `0${t.spaceId}`]) {
      const listed = ok(await check('confluence_list_pages', { space, limit: 250 }), `${t.key} list`);
      expect((listed.pages as { id: string }[]).map((p) => p.id)).toContain(t.pageId);
    }
    ok(await check('confluence_get_space', { space: t.key }), `${t.key} space`);
    ok(await check('confluence_get_labels', { space: t.key }), `${t.key} labels`);
    expect(found(await check('confluence_find_pages_by_label', { label: t.label }), 'pages')).toEqual([
      t.pageId,
    ]);
    const hits = await check('confluence_search', { cql: `space = "${t.key}" AND title ~ secret` });
    expect(found(hits, 'results')).toEqual([t.pageId]);
    expect(
      found(await check('confluence_get_page_children', { page: t.homeId, limit: 250 }), 'children'),
    ).toContain(t.pageId);
    expect(
      found(await check('confluence_get_page_descendants', { page: t.homeId }), 'descendants'),
    ).toContain(t.pageId);
    expect(found(await check('confluence_get_page_ancestors', { page: t.pageId }), 'ancestors')).toEqual([
      t.homeId,
    ]);
  }
  const created = ok(
    await check('confluence_create_page', {
      space: 'PROD',
      title: `Bounds check ${scene.run} ${who}`,
      body: '## Notes\n\nfirst',
      parent: prod.homeId,
    }),
    'create',
  );
  const id = created.id as string;
  ok(
    await check('confluence_update_page', { page: id, body: '## Notes\n\nsecond', expected_version: 1 }),
    'update',
  );
  ok(
    await check('confluence_update_page_section', {
      page: id,
      heading: 'Notes',
      body: 'third',
      mode: 'append',
    }),
    'section',
  );
  ok(await check('confluence_add_labels', { page: id, labels: ['checked'] }), 'label');
  ok(await check('confluence_remove_label', { page: id, label: 'checked' }), 'unlabel');
  ok(await check('confluence_move_page', { page: `00${id}`, new_parent: requirementsId }), 'move');
  expect(sandbox.site.pages.get(id)?.parentId).toBe(requirementsId);
  ok(await check('confluence_delete_page', { page: id }), 'delete');

  expect(outside.state(), `${who} changed something outside the bounds`).toBe(before);
}

/** Starts a server with these bounds, lets the first user call before the late spaces exist, then attacks. */
async function scenario(
  order: readonly [Who, Who],
  build: (run: number) => Omit<Scene, 'outside' | 'inside'> & { late: string[] },
  place: (late: Target[]) => Pick<Scene, 'outside' | 'inside'>,
  run: number,
) {
  const { late, ...base } = build(run);
  const server = await startOAuthServer(sandbox, {
    ...app,
    encryptionKeys: keys,
    tools: { spaces: base.bounds },
  });
  servers.push(server);
  registerApp(sandbox, app.clientId, app.clientSecret, [server.publicUrl]);
  const calls = {
    [order[0]]: await connect(server, order[0]),
    [order[1]]: await connect(server, order[1]),
  } as Record<Who, Call>;
  // The first caller reaches content before the late spaces exist (and, for Priya, cannot see HR).
  const first = calls[order[0]];
  ok(await first('confluence_get_page', { page: prod.pageId }), 'first call');
  ok(await first('confluence_list_spaces', { limit: 10 }), 'first list');
  const created = [];
  for (const key of late) created.push(await createSpaceLive(sandbox, key));
  const scene: Scene = { ...base, ...place(created) };
  for (const who of order) await attack(calls[who], who, scene);
  return calls;
}

const fillerKeys = () => fillers.map((f) => f.key);
const lastFiller = () => fillers[fillers.length - 1] as Target;

describe.each([
  [0, ['priya', 'hannah']],
  [1, ['hannah', 'priya']],
] as const)('a deny list (run %i, callers %j)', (run, order) => {
  it('keeps every tool out of denied spaces, whoever calls first, and works everywhere else', async () => {
    const calls = await scenario(
      order,
      (n) => ({
        bounds: { allow: [], deny: [...fillerKeys(), 'HR', `LATE${n}`, `NEVER${n}`] },
        unusedKey: `NEVER${n}`,
        late: [`LATE${n}`],
        run: n,
      }),
      ([late]) => ({
        outside: [hr, lastFiller(), late as Target],
        inside: [
          { target: prod, seenBy: ['priya', 'hannah'] },
          { target: eng, seenBy: ['priya', 'hannah'] },
        ],
      }),
      run,
    );
    if (run !== 0) return;
    // A smaller sample of the property test over real HTTP, as the user who can see HR.
    const outside = outsideOf(sandbox.site, { allow: [], deny: [...fillerKeys(), 'HR', 'LATE0', 'NEVER0'] });
    for (const cql of fc.sample(anyCql, { numRuns: 60, seed: 2026 })) {
      const result = await calls.hannah('confluence_search', { cql, limit: 100 });
      expectNoLeak(result, outside, cql);
      if (result.isError) expect(textOf(result), cql).toMatch(/Invalid CQL|Confluence refused the request/);
    }
  }, 240_000);
});

describe.each([
  [2, ['priya', 'hannah']],
  [3, ['hannah', 'priya']],
] as const)('an allow list (run %i, callers %j)', (run, order) => {
  it('reaches only the allowed spaces, fails closed only outside them, whoever calls first', async () => {
    await scenario(
      order,
      (n) => ({
        bounds: { allow: ['PROD', 'HR', `LATEOK${n}`, ...fillerKeys()], deny: [] },
        unusedKey: `NOTALLOWED${n}`,
        late: [`LATEOK${n}`, `LATENO${n}`],
        run: n,
      }),
      ([lateOk, lateNo]) => ({
        outside: [eng, lateNo as Target],
        inside: [
          { target: prod, seenBy: ['priya', 'hannah'] },
          { target: hr, seenBy: ['hannah'] },
          { target: lastFiller(), seenBy: ['priya', 'hannah'] },
          { target: lateOk as Target, seenBy: ['priya', 'hannah'] },
        ],
      }),
      run,
    );
  }, 240_000);
});
