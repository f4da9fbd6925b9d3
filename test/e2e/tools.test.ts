import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { currentVersion } from '../../src/sandbox/model.js';
import { ID } from '../../src/sandbox/seed/users.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { gatewayAuth, startToolServer } from '../support/http-server.js';
import { textOf } from '../support/mcp.js';

// Every tool through a real MCP client, over HTTP, against the sandbox over HTTP: a success, a not-found, and a
// missing scope; write tools also a conflict or a permission refusal.
let sandbox: Sandbox;
let full: Awaited<ReturnType<typeof startToolServer>>;
let scopeless: Awaited<ReturnType<typeof startToolServer>>;

const id = (title: string) => {
  for (const page of sandbox.site.pages.values()) if (currentVersion(page).title === title) return page.id;
  throw new Error(`no page "${title}"`);
};
const data = (r: CallToolResult) => r.structuredContent as Record<string, unknown>;
const ok = (r: CallToolResult) => {
  expect(r.isError, textOf(r)).toBeFalsy();
  return data(r);
};
const failed = (r: CallToolResult, pattern: RegExp) => {
  expect(r.isError, JSON.stringify(r.structuredContent)).toBe(true);
  expect(textOf(r)).toMatch(pattern);
};
const NOT_FOUND = /Not found: .*does not exist, or you do not have permission/;
const MISSING = '999999999';

beforeAll(async () => {
  sandbox = await startSandbox();
  full = await startToolServer(gatewayAuth(sandbox));
  scopeless = await startToolServer(gatewayAuth(sandbox, []));
});

afterAll(async () => {
  await full?.close();
  await scopeless?.close();
  await sandbox?.close();
});

describe('every tool, missing its scope, says so and how to fix it', () => {
  const args: Record<string, Record<string, unknown>> = {
    confluence_search: { query: 'x' },
    confluence_get_page: { page: '65540' },
    confluence_list_pages: {},
    confluence_get_page_children: { page: '65540' },
    confluence_get_page_descendants: { page: '65540' },
    confluence_get_page_ancestors: { page: '65540' },
    confluence_get_page_versions: { page: '65540' },
    confluence_create_page: { space: '65537', title: 'x' },
    confluence_update_page: { page: '65540', title: 'x' },
    confluence_update_page_section: { page: '65540', heading: 'x', body: 'x' },
    confluence_move_page: { page: '65540', after: '65541' },
    confluence_delete_page: { page: '65540' },
    confluence_list_spaces: {},
    confluence_get_space: { space: '65537' },
    confluence_create_space: { key: 'X', name: 'X' },
    confluence_get_labels: {},
    confluence_find_pages_by_label: { label: 'x' },
    confluence_add_labels: { page: '65540', labels: ['x'] },
    confluence_remove_label: { page: '65540', label: 'x' },
    confluence_get_current_user: {},
    confluence_get_users: { account_ids: ['x'] },
    confluence_search_users: { query: 'x' },
    confluence_list_groups: {},
    confluence_get_group_members: { group: '00000000-0000-0000-0000-000000000000' },
    confluence_get_site_info: {},
  };

  it('covers every tool that calls Confluence', () => {
    expect(Object.keys(args).sort()).toEqual(
      ALL_TOOLS.filter((t) => t.scopes.length)
        .map((t) => t.name)
        .sort(),
    );
  });

  it.each(Object.entries(args))('%s', async (name, toolArgs) => {
    failed(
      await scopeless.call(name, toolArgs),
      /Missing OAuth scope.*retrying will not help|Missing OAuth scope.*Retrying will not help/i,
    );
  });
});

describe('reading', () => {
  it('confluence_search', async () => {
    const found = ok(await full.call('confluence_search', { query: 'deploy', space: 'ENG' }));
    expect((found.results as unknown[]).length).toBeGreaterThan(0);
    const none = ok(await full.call('confluence_search', { query: 'deploy', space: 'NOSUCH' }));
    expect(none.total_size).toBe(0);
    failed(await full.call('confluence_search', {}), /Give `query`/);
  });

  it('confluence_get_page', async () => {
    const page = ok(await full.call('confluence_get_page', { page: id('Deployment guide') }));
    expect(page.title).toBe('Deployment guide');
    const old = ok(await full.call('confluence_get_page', { page: id('Architecture overview'), version: 1 }));
    expect((old.version as { number: number }).number).toBe(1);
    failed(await full.call('confluence_get_page', { page: MISSING }), NOT_FOUND);
    failed(await full.call('confluence_get_page', { page: 'the deployment page' }), /not a page id/);
  });

  it('confluence_get_page reads a large page in parts', async () => {
    const first = ok(
      await full.call('confluence_get_page', { page: id('Fleet API v3 reference'), max_chars: 20_000 }),
    );
    expect((first.body as string).length).toBeLessThanOrEqual(20_000);
    expect(first.next_offset).toBe((first.body as string).length);
    const second = ok(
      await full.call('confluence_get_page', {
        page: id('Fleet API v3 reference'),
        max_chars: 20_000,
        offset: first.next_offset,
      }),
    );
    expect((second.body as string).length).toBeGreaterThan(0);
    expect(first.body_length).toBe(second.body_length);
  });

  it('confluence_list_pages', async () => {
    const pages = ok(await full.call('confluence_list_pages', { space: 'ENG', limit: 5 }));
    expect((pages.pages as unknown[]).length).toBe(5);
    expect(pages.next_cursor).toBeDefined();
    failed(await full.call('confluence_list_pages', { space: 'NOSUCH' }), /No space with key "NOSUCH"/);
  });

  it('confluence_get_page_children', async () => {
    const first = ok(
      await full.call('confluence_get_page_children', { page: id('Architecture decision records') }),
    );
    expect((first.children as unknown[]).length).toBe(25);
    const rest = ok(
      await full.call('confluence_get_page_children', {
        page: id('Architecture decision records'),
        cursor: first.next_cursor,
      }),
    );
    expect((rest.children as unknown[]).length).toBe(8);
    failed(await full.call('confluence_get_page_children', { page: MISSING }), NOT_FOUND);
  });

  it('confluence_get_page_descendants', async () => {
    const home = [...sandbox.site.spaces.values()].find((s) => s.key === 'ENG')?.homepageId as string;
    const tree = ok(await full.call('confluence_get_page_descendants', { page: home, depth: 3, limit: 250 }));
    const depths = new Set((tree.descendants as { depth: number }[]).map((d) => d.depth));
    expect([...depths].sort()).toEqual([1, 2, 3]);
    failed(await full.call('confluence_get_page_descendants', { page: MISSING }), NOT_FOUND);
  });

  it('confluence_get_page_ancestors', async () => {
    const crumbs = ok(
      await full.call('confluence_get_page_ancestors', { page: id('Fleet Telemetry Service: data model') }),
    );
    expect((crumbs.ancestors as { title: string }[]).map((a) => a.title)[0]).toBe('Engineering Home');
    expect((crumbs.ancestors as unknown[]).length).toBe(4);
    failed(await full.call('confluence_get_page_ancestors', { page: MISSING }), NOT_FOUND);
  });

  it('confluence_get_page_versions', async () => {
    const versions = ok(
      await full.call('confluence_get_page_versions', { page: id('Architecture overview') }),
    );
    expect((versions.versions as { number: number }[]).map((v) => v.number)).toEqual([4, 3, 2, 1]);
    failed(await full.call('confluence_get_page_versions', { page: MISSING }), NOT_FOUND);
  });

  it('confluence_list_spaces and confluence_get_space', async () => {
    const spaces = ok(await full.call('confluence_list_spaces', { limit: 50 }));
    expect((spaces.spaces as { key: string }[]).map((s) => s.key)).toContain('ENG');
    expect(ok(await full.call('confluence_list_spaces', { keys: ['NOSUCH'] })).spaces).toEqual([]);
    const eng = ok(await full.call('confluence_get_space', { space: 'ENG' }));
    expect(eng).toMatchObject({ key: 'ENG', name: 'Engineering' });
    expect((eng.permissions as unknown[]).length).toBeGreaterThan(0);
    failed(await full.call('confluence_get_space', { space: 'NOSUCH' }), /No space with key "NOSUCH"/);
    failed(await full.call('confluence_get_space', { space: '999999' }), NOT_FOUND);
  });

  it('confluence_get_labels and confluence_find_pages_by_label', async () => {
    const labels = ok(
      await full.call('confluence_get_labels', { page: id('ADR-010: GitOps deployments with Argo CD') }),
    );
    expect((labels.labels as { name: string }[]).map((l) => l.name)).toContain('adr');
    expect(
      (ok(await full.call('confluence_get_labels', { space: 'ENG' })).labels as unknown[]).length,
    ).toBeGreaterThanOrEqual(0);
    expect((ok(await full.call('confluence_get_labels', {})).labels as unknown[]).length).toBeGreaterThan(0);
    failed(await full.call('confluence_get_labels', { page: MISSING }), NOT_FOUND);
    const adrs = ok(await full.call('confluence_find_pages_by_label', { label: 'adr', limit: 50 }));
    expect(adrs.total_size as number).toBeGreaterThanOrEqual(30);
    expect(ok(await full.call('confluence_find_pages_by_label', { label: 'no-such-label' })).total_size).toBe(
      0,
    );
  });

  it('confluence_get_current_user, confluence_get_users and confluence_search_users', async () => {
    expect(ok(await full.call('confluence_get_current_user'))).toMatchObject({
      account_id: ID.priya,
      name: 'Priya Raman',
    });
    const users = ok(await full.call('confluence_get_users', { account_ids: [ID.jonas, 'unknown-id'] }));
    expect(users).toMatchObject({ users: [{ account_id: ID.jonas }], not_found: ['unknown-id'] });
    const found = ok(await full.call('confluence_search_users', { query: 'jonas' }));
    expect((found.users as { account_id: string }[]).map((u) => u.account_id)).toContain(ID.jonas);
    expect(ok(await full.call('confluence_search_users', { query: 'zzzzzz' })).users).toEqual([]);
  });

  it('confluence_list_groups and confluence_get_group_members', async () => {
    const groups = ok(await full.call('confluence_list_groups', { name: 'eng' }));
    expect((groups.groups as { name: string }[]).map((g) => g.name)).toContain('engineering');
    expect(ok(await full.call('confluence_list_groups', { name: 'zzzz' })).groups).toEqual([]);
    const members = ok(await full.call('confluence_get_group_members', { group: 'engineering' }));
    expect((members.members as unknown[]).length).toBeGreaterThan(2);
    failed(await full.call('confluence_get_group_members', { group: 'no-such-group' }), /No group named/);
  });

  it('confluence_get_site_info and the account tools', async () => {
    expect(ok(await full.call('confluence_get_site_info'))).toMatchObject({ cloud_id: sandbox.site.cloudId });
    expect(ok(await full.call('confluence_get_connection'))).toMatchObject({
      connected: true,
      kind: 'access-token',
    });
    expect(ok(await full.call('confluence_disconnect'))).toEqual({ disconnected: false });
  });
});

describe('writing', () => {
  let created: string;
  const versionsOf = (pageId: string) => sandbox.site.pages.get(pageId)?.versions.length;

  it('confluence_create_page', async () => {
    const page = ok(
      await full.call('confluence_create_page', {
        space: 'ENG',
        parent: id('Deployment guide'),
        title: 'Rollback drill 2026-12',
        body: '# Rollback drill\n\n- [ ] Announce in #ops\n- [x] Book the room\n\n```bash\nkubectl rollout undo deploy/api\n```',
      }),
    );
    created = page.id as string;
    const stored = currentVersion(sandbox.site.pages.get(created) as never);
    expect(stored.body).toContain('ac:task-list');
    expect(stored.body).toContain('kubectl rollout undo deploy/api');
    failed(
      await full.call('confluence_create_page', { space: 'ENG', title: 'Rollback drill 2026-12' }),
      /Not saved: space ENG already has a page titled "Rollback drill 2026-12"/,
    );
    failed(
      await full.call('confluence_create_page', { space: 'ENG', title: 'x', parent: MISSING }),
      NOT_FOUND,
    );
    failed(await full.call('confluence_create_page', { space: 'HR', title: 'x' }), /No space with key "HR"/);
  });

  it('confluence_update_page', async () => {
    const before = versionsOf(created);
    const updated = ok(
      await full.call('confluence_update_page', {
        page: created,
        body: '# Rollback drill\n\nDone.',
        expected_version: 1,
        version_message: 'drill finished',
      }),
    );
    expect(updated).toMatchObject({ version: 2, previous_version: 1 });
    expect(versionsOf(created)).toBe((before ?? 0) + 1);
    const stale = await full.call('confluence_update_page', {
      page: created,
      title: 'Stale edit',
      expected_version: 1,
    });
    failed(stale, /Not updated: .* is at version 2, not 1.*v2 .*Priya Raman.*"drill finished"/s);
    expect(versionsOf(created)).toBe((before ?? 0) + 1);
    failed(await full.call('confluence_update_page', { page: MISSING, title: 'x' }), NOT_FOUND);
    failed(
      await full.call('confluence_update_page', { page: id('API style guide'), title: 'x' }),
      /Permission denied/,
    );
  });

  it('confluence_move_page', async () => {
    const moved = ok(
      await full.call('confluence_move_page', { page: created, before: id('Deployment guide') }),
    );
    expect(moved.parent_id).toBe(sandbox.site.pages.get(id('Deployment guide'))?.parentId);
    failed(await full.call('confluence_move_page', { page: created }), /exactly one of/);
    failed(await full.call('confluence_move_page', { page: MISSING, new_parent: created }), NOT_FOUND);
    failed(
      await full.call('confluence_move_page', { page: id('API style guide'), new_parent: created }),
      /Permission denied/,
    );
  });

  it('confluence_add_labels and confluence_remove_label', async () => {
    const added = ok(await full.call('confluence_add_labels', { page: created, labels: ['Drill', 'ops'] }));
    expect(added.labels).toEqual(['drill', 'ops']);
    ok(await full.call('confluence_remove_label', { page: created, label: 'drill' }));
    expect([...(sandbox.site.pages.get(created)?.labels ?? [])]).toEqual(['ops']);
    failed(await full.call('confluence_remove_label', { page: created, label: 'drill' }), NOT_FOUND);
    failed(await full.call('confluence_add_labels', { page: MISSING, labels: ['x'] }), NOT_FOUND);
    failed(
      await full.call('confluence_add_labels', { page: id('API style guide'), labels: ['x'] }),
      /Permission denied/,
    );
  });

  it('confluence_delete_page', async () => {
    failed(
      await full.call('confluence_delete_page', { page: created, purge: true }),
      /purging pages for good is turned off/,
    );
    expect(sandbox.site.pages.get(created)?.status).toBe('current');
    expect(ok(await full.call('confluence_delete_page', { page: created }))).toMatchObject({
      result: 'trashed',
    });
    expect(sandbox.site.pages.get(created)?.status).toBe('trashed');
    failed(await full.call('confluence_delete_page', { page: MISSING }), NOT_FOUND);
    failed(await full.call('confluence_delete_page', { page: id('API style guide') }), /Permission denied/);
  });

  it('confluence_create_space', async () => {
    expect(ok(await full.call('confluence_create_space', { key: 'DRILL', name: 'Drills' }))).toMatchObject({
      key: 'DRILL',
    });
    failed(await full.call('confluence_create_space', { key: 'DRILL', name: 'Again' }), /already exists/);
    sandbox.site.roleBasedAccess = false;
    try {
      failed(
        await full.call('confluence_create_space', { key: 'LEGACY', name: 'Legacy' }),
        /role-based access control/,
      );
    } finally {
      sandbox.site.roleBasedAccess = true;
    }
  });
});
