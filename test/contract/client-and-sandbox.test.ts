import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { ConfluenceAuth } from '../../src/confluence/auth.js';
import { ConfluenceClient } from '../../src/confluence/client.js';
import { ConflictError } from '../../src/confluence/errors/index.js';
import * as api from '../../src/confluence/index.js';
import { GRANULAR_SCOPES } from '../../src/confluence/scopes.js';
import { silentLogger } from '../../src/log.js';
import { staticRuntime } from '../../src/runtime.js';
import { type Sandbox, sandboxRoutes, startSandbox } from '../../src/sandbox/index.js';
import { ALL_TOOLS, selectTools } from '../../tools/index.js';
import { recordingFetch } from '../support/recording-fetch.js';
import { describeRequiring } from '../support/requires.js';
import {
  type ContractSpecs,
  type Exchange,
  formatViolations,
  loadContractSpecs,
  operationScopes,
  specsRequirement,
  validateExchange,
} from './openapi.js';

let specs: ContractSpecs;
let sandbox: Sandbox;
const exchanges: Exchange[] = [];

function clientFor(auth: ConfluenceAuth): ConfluenceClient {
  return new ConfluenceClient({
    auth,
    timeoutMs: 10_000,
    userAgent: 'contract-test',
    fetch: recordingFetch(exchanges),
  });
}

/** Drives every endpoint function of the client once or more, by both routes, against the sandbox. */
async function exerciseClient(client: ConfluenceClient) {
  const eng = await api.findSpaceByKey(client, { key: 'ENG' });
  if (!eng) throw new Error('ENG space missing from the sandbox');
  const spaces = await api.listSpaces(client, {
    type: 'global',
    status: 'current',
    sort: 'key',
    descriptionFormat: 'plain',
    limit: 2,
  });
  await api.listSpaces(client, {
    cursor: spaces.nextCursor,
    limit: 2,
    type: 'global',
    status: 'current',
    sort: 'key',
    descriptionFormat: 'plain',
  });
  await api.listSpaces(client, { ids: [eng.id], labels: ['engineering'] });
  await api.getSpace(client, { id: eng.id, descriptionFormat: 'view', includeLabels: true });
  const pages = await api.listPages(client, {
    spaceIds: [eng.id],
    status: ['current'],
    sort: '-modified-date',
    limit: 3,
  });
  await api.listPages(client, {
    spaceIds: [eng.id],
    status: ['current'],
    sort: '-modified-date',
    limit: 3,
    cursor: pages.nextCursor,
  });
  const [guide] = (await api.listPages(client, { title: 'Deployment guide', bodyFormat: 'storage' })).items;
  if (!guide) throw new Error('Deployment guide missing');
  await api.getPage(client, { id: guide.id, bodyFormat: 'storage', includeLabels: true });
  await api.getPage(client, { id: guide.id, bodyFormat: 'view' });
  await api.getPage(client, { id: guide.id, version: 1 });
  const versions = await api.listPageVersions(client, { id: guide.id, limit: 1 });
  await api.listPageVersions(client, { id: guide.id, limit: 1, cursor: versions.nextCursor });
  const adrs = (await api.listPages(client, { title: 'Architecture decision records' })).items[0];
  if (!adrs) throw new Error('ADR index missing');
  const children = await api.listPageChildren(client, { id: adrs.id, limit: 25 });
  await api.listPageChildren(client, { id: adrs.id, limit: 25, cursor: children.nextCursor });
  await api.listPageDescendants(client, { id: eng.homepageId as string, depth: 3, limit: 50 });
  await api.listPageLabels(client, { id: guide.id });
  await api.listSpaceLabels(client, { id: eng.id });
  const labels = await api.listLabels(client, { prefix: ['global'], limit: 5 });
  await api.listPagesWithLabel(client, { labelId: labels.items[0]?.id as string, limit: 5 });

  const created = await api.createPage(client, {
    spaceId: eng.id,
    parentId: guide.id,
    title: `Contract test page ${Date.now()} ${Math.random()}`,
    body: { representation: 'storage', value: '<h1>Hello</h1><p>From the contract test.</p>' },
  });
  const updated = await api.updatePage(client, {
    id: created.id,
    title: `${created.title} (edited)`,
    status: 'current',
    body: { representation: 'storage', value: '<p>Edited.</p>' },
    version: (created.version?.number ?? 1) + 1,
    versionMessage: 'contract test edit',
  });
  await expect(
    api.updatePage(client, {
      id: created.id,
      title: updated.title,
      status: 'current',
      body: { representation: 'storage', value: '<p>Stale.</p>' },
      version: 2,
    }),
  ).rejects.toBeInstanceOf(ConflictError);
  await api.addLabels(client, { pageId: created.id, names: ['contract', 'needs-review'] });
  await api.removeLabel(client, { pageId: created.id, name: 'needs-review' });
  await api.deletePage(client, { id: created.id });
  await api.deletePage(client, { id: created.id, purge: true });

  const me = await api.getCurrentUser(client);
  await api.getUsers(client, { accountIds: [me.accountId as string] });
  const users = await api.searchUsers(client, { cql: 'user.fullname ~ "a"', limit: 2 });
  await api.searchUsers(client, { cql: 'user.fullname ~ "a"', limit: 2, cursor: users.nextCursor });
  const groups = await api.listGroups(client, { limit: 3 });
  await api.listGroups(client, { limit: 3, cursor: groups.nextCursor });
  await api.searchGroups(client, { query: 'eng' });
  await api.listGroupMembers(client, { groupId: groups.items[0]?.id as string, limit: 5 });
  await api.getSystemInfo(client);
  const found = await api.searchContent(client, {
    cql: 'type = page AND space = ENG',
    limit: 5,
    excerpt: 'highlight',
    expand: ['content.space'],
  });
  await api.searchContent(client, { cql: 'type = page AND space = ENG', limit: 5, cursor: found.nextCursor });
}

describeRequiring(
  specsRequirement(),
  'contract: every request the client builds and every sandbox answer match the OpenAPI specs',
  () => {
    beforeAll(async () => {
      specs = loadContractSpecs();
      sandbox = await startSandbox();
    });

    afterAll(async () => {
      await sandbox?.close();
    });

    it('with a personal API token on the site route', async () => {
      const start = exchanges.length;
      const user = sandbox.demoUser;
      await exerciseClient(
        clientFor({
          type: 'api-token',
          siteUrl: sandbox.url,
          email: user.email,
          apiToken: user.apiToken as string,
        }),
      );
      const mine = exchanges.slice(start);
      expect(mine.length).toBeGreaterThan(35);
      const violations = mine.flatMap((e) => validateExchange(specs, e));
      expect(violations, formatViolations(violations)).toEqual([]);
    });

    it('with an OAuth token through the gateway', async () => {
      const start = exchanges.length;
      const token = sandbox.mintAccessToken(sandbox.demoUser.accountId, GRANULAR_SCOPES);
      await exerciseClient(
        clientFor({
          type: 'oauth',
          apiBaseUrl: sandbox.url,
          cloudId: sandbox.site.cloudId,
          accessToken: () => token,
        }),
      );
      const mine = exchanges.slice(start);
      expect(mine.every((e) => e.url.includes(`/ex/confluence/${sandbox.site.cloudId}/wiki/`))).toBe(true);
      const violations = mine.flatMap((e) => validateExchange(specs, e));
      expect(violations, formatViolations(violations)).toEqual([]);
    });

    it('for the requests every tool makes', async () => {
      const start = exchanges.length;
      const user = sandbox.demoUser;
      const connect = async (toolsConfig: Record<string, unknown>) => {
        const config = configSchema.parse({ tools: toolsConfig });
        const built = staticRuntime(
          config,
          { type: 'api-token', siteUrl: sandbox.url, email: user.email, apiToken: user.apiToken as string },
          silentLogger,
          recordingFetch(exchanges),
        );
        const [a, b] = InMemoryTransport.createLinkedPair();
        const client = new Client({ name: 'contract', version: '1' });
        const [server] = await Promise.all([built.server.connect(b), client.connect(a)]);
        return { tools: selectTools(ALL_TOOLS, config.tools), server, client };
      };
      // With space bounds set, so the guard's own requests (spaces by id, pages by id) are checked too.
      const { tools, server, client } = await connect({ allowPurge: true, spaces: { deny: ['HR'] } });
      const called = new Set<string>();
      const callOn = async (on: typeof client, name: string, args: Record<string, unknown>) => {
        called.add(name);
        const result = await on.callTool({ name, arguments: args });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
        return result.structuredContent as Record<string, unknown>;
      };
      const call = (name: string, args: Record<string, unknown>) => callOn(client, name, args);
      await call('confluence_list_spaces', {
        type: 'global',
        status: 'current',
        labels: ['engineering'],
        keys: ['ENG'],
      });
      const listed = await call('confluence_list_pages', { space: 'ENG', sort: 'title', limit: 5 });
      await call('confluence_list_pages', {
        space: 'ENG',
        sort: 'title',
        limit: 5,
        cursor: listed.next_cursor,
      });
      const id = ((listed.pages as { id: string }[])[0] as { id: string }).id;
      await call('confluence_get_page', { page: id });
      await call('confluence_get_page', { page: id, body_format: 'none' });
      await call('confluence_get_page', { page: id, version: 1, body_format: 'storage' });
      const found = await call('confluence_search', {
        query: 'deploy',
        space: 'ENG',
        label: 'runbook',
        limit: 2,
      });
      await call('confluence_search', { cql: 'type = page', limit: 2, cursor: found.next_cursor });
      const parent = (await call('confluence_list_pages', { space: 'ENG', title: 'Deployment guide' }))
        .pages as {
        id: string;
      }[];
      const guide = parent[0]?.id as string;
      await call('confluence_get_page_children', { page: guide, limit: 2 });
      await call('confluence_get_page_descendants', { page: guide, depth: 3 });
      await call('confluence_get_page_ancestors', { page: guide });
      await call('confluence_get_page_versions', { page: guide, limit: 2 });
      const created = await call('confluence_create_page', {
        space: 'ENG',
        parent: guide,
        title: `Contract tool page ${Date.now()}`,
        body: '## Steps\n\n1. one\n2. two\n\n| a | b |\n| --- | --- |\n| 1 | 2 |',
      });
      await call('confluence_update_page', { page: created.id, body: 'Changed.', expected_version: 1 });
      await call('confluence_update_page', { page: created.id, title: `${created.title} (renamed)` });
      await call('confluence_update_page', {
        page: created.id,
        body: '## Steps\n\nOne step.',
        body_format: 'markdown',
      });
      await call('confluence_update_page_section', {
        page: created.id,
        heading: 'Steps',
        body: 'Two steps.',
      });
      await call('confluence_move_page', { page: created.id, after: guide });
      await call('confluence_add_labels', { page: created.id, labels: ['contract', 'temp'] });
      await call('confluence_remove_label', { page: created.id, label: 'temp' });
      await call('confluence_get_labels', { page: created.id });
      await call('confluence_get_labels', { space: 'ENG' });
      await call('confluence_find_pages_by_label', { label: 'adr', space: 'ENG', limit: 5 });
      // A page in the trash, read and deleted again, and a title already taken: their requests are checked too.
      await call('confluence_delete_page', { page: created.id });
      const trashed = await client.callTool({ name: 'confluence_get_page', arguments: { page: created.id } });
      expect(JSON.stringify(trashed.content)).toMatch(/is in the trash of space ENG/);
      expect(await call('confluence_delete_page', { page: created.id })).toMatchObject({
        already_trashed: true,
      });
      const taken = await client.callTool({
        name: 'confluence_create_page',
        arguments: { space: 'ENG', title: 'Deployment guide' },
      });
      expect(JSON.stringify(taken.content)).toMatch(/already has a page titled/);
      await call('confluence_delete_page', { page: created.id, purge: true });
      await call('confluence_get_space', { space: 'ENG' });
      await call('confluence_create_space', {
        key: `C${Date.now() % 100000}`,
        name: 'Contract space',
        description: 'x',
      });
      const me = await call('confluence_get_current_user', {});
      await call('confluence_get_users', { account_ids: [me.account_id] });
      await call('confluence_search_users', { query: 'priya' });
      await call('confluence_list_groups', {});
      await call('confluence_list_groups', { name: 'eng' });
      await call('confluence_get_group_members', { group: 'engineering' });
      await call('confluence_get_site_info', {});
      await client.close();
      await server.close();
      // The site-wide label list is refused while bounds are set, so it is checked without them.
      const unbounded = await connect({});
      await callOn(unbounded.client, 'confluence_get_labels', { prefix: 'global' });
      await unbounded.client.close();
      await unbounded.server.close();
      const callsConfluence = tools.filter((t) => t.scopes.length > 0).map((t) => t.name);
      expect([...called].sort()).toEqual(callsConfluence.sort());
      const mine = exchanges.slice(start);
      const violations = mine.flatMap((e) => validateExchange(specs, e));
      expect(violations, formatViolations(violations)).toEqual([]);
    });

    it("enforces on each sandbox route exactly the scopes the spec's x-atlassian-oauth2-scopes lists", () => {
      const mismatches: string[] = [];
      for (const r of sandboxRoutes()) {
        const v2 = r.pattern.startsWith('/api/v2/');
        const specPath = (v2 ? r.pattern.slice('/api/v2'.length) : `/wiki${r.pattern}`).replace(
          /:([^/]+)/g,
          '{$1}',
        );
        if (!r.scopes.length) {
          // Retired endpoints the sandbox answers with 410: the spec no longer has them.
          expect(() => operationScopes(specs, r.method, specPath)).toThrow();
          continue;
        }
        const expected = operationScopes(specs, r.method, specPath)
          .map((s) => [...s].sort().join(' '))
          .sort();
        const actual = r.scopes.map((s) => [...s].sort().join(' ')).sort();
        if (JSON.stringify(expected) !== JSON.stringify(actual)) {
          mismatches.push(
            `${r.method} ${specPath}: spec ${JSON.stringify(expected)}, sandbox ${JSON.stringify(actual)}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
    });
  },
);
