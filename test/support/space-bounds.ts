import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { encodeTinyLink } from '../../src/confluence/links.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { currentVersion, type SandboxSpace } from '../../src/sandbox/model.js';
import { storageText } from '../../src/sandbox/render.js';
import { ID } from '../../src/sandbox/seed/users.js';
import type { Site } from '../../src/sandbox/site.js';
import { textOf } from './mcp.js';

/** One tool call as a user makes it. */
export type Call = (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>;

/** A space the attack aims at or works in: a home page and a leaf page with a label of its own. */
export interface Target {
  key: string;
  spaceId: string;
  homeId: string;
  pageId: string;
  label: string;
}

/** Adds a space with a home page and one labelled page straight to the sandbox's model (an admin did it). */
export function addSpace(site: Site, key: string): Target {
  const space: SandboxSpace = {
    id: site.nextId(),
    key,
    name: `${key} space`,
    type: 'global',
    status: 'current',
    description: '',
    authorId: ID.jonas,
    createdAt: site.now(),
    homepageId: undefined,
    labels: new Set([`space-${key.toLowerCase()}`]),
    viewRestriction: undefined,
  };
  site.spaces.set(space.id, space);
  const home = site.createPage({
    space,
    title: `${key} Home`,
    body: '<p>Home.</p>',
    parentId: undefined,
    status: 'current',
    authorId: ID.jonas,
  });
  home.parentId = undefined;
  space.homepageId = home.id;
  return { ...targetPage(site, space, home.id), homeId: home.id };
}

function targetPage(site: Site, space: SandboxSpace, homeId: string): Target {
  const page = site.createPage({
    space,
    title: `${space.key} secret plan`,
    body: `<h2>Plan</h2><p>The secret plan of ${space.key}.</p>`,
    parentId: homeId,
    status: 'current',
    authorId: ID.jonas,
  });
  const label = `only-in-${space.key.toLowerCase()}`;
  page.labels.add(label);
  return { key: space.key, spaceId: space.id, homeId, pageId: page.id, label };
}

/** A seeded space as a target: its home page and a labelled page added under it. */
export function seededTarget(site: Site, key: string): Target {
  const space = site.spaceByKey(key);
  if (!space?.homepageId) throw new Error(`no space ${key}`);
  return targetPage(site, space, space.homepageId);
}

/** Creates a space and a page in it through Confluence's REST API, as a user would after the server started. */
export async function createSpaceLive(sandbox: Sandbox, key: string, accountId = ID.hannah): Promise<Target> {
  const token = sandbox.mintAccessToken(accountId);
  const base = `${sandbox.url}/ex/confluence/${sandbox.site.cloudId}/wiki/api/v2`;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.ok, `${path}: ${response.status}`).toBe(true);
    return (await response.json()) as { id: string; homepageId?: string };
  };
  const space = await post('/spaces', { key, name: `${key} space` });
  const record = sandbox.site.spaces.get(space.id) as SandboxSpace;
  return targetPage(sandbox.site, record, space.homepageId as string);
}

/** What lies outside the bounds right now: spaces by key, their ids, their pages and titles. */
export function outsideOf(site: Site, bounds: { allow: string[]; deny: string[] }) {
  const deny = new Set(bounds.deny.map((k) => k.toLowerCase()));
  const allow = new Set(bounds.allow.map((k) => k.toLowerCase()));
  const inside = (key: string) =>
    !deny.has(key.toLowerCase()) && (!allow.size || allow.has(key.toLowerCase()));
  const spaces = [...site.spaces.values()].filter((s) => !inside(s.key));
  const spaceIds = new Set(spaces.map((s) => s.id));
  const pages = [...site.pages.values()].filter((p) => spaceIds.has(p.spaceId));
  const insideText = [...site.pages.values()]
    .filter((p) => !spaceIds.has(p.spaceId))
    .map((p) => `${currentVersion(p).title}\n${storageText(currentVersion(p).body)}`)
    .join('\n');
  return {
    inside,
    keys: new Set(spaces.map((s) => s.key.toLowerCase())),
    spaceIds,
    pageIds: new Set(pages.map((p) => p.id)),
    // Titles that only pages outside the bounds carry (no page inside mentions them): seeing one is a leak.
    titles: [...new Set(pages.map((p) => currentVersion(p).title))].filter((t) => !insideText.includes(t)),
    /** The state of every page outside the bounds, to show that no write reached one. */
    state: () =>
      JSON.stringify(
        pages.map((p) => [p.id, p.status, p.parentId, p.versions.length, [...p.labels].sort(), p.position]),
      ) + String([...site.pages.values()].filter((p) => spaceIds.has(p.spaceId)).length),
  };
}

/** Fails the test when a result shows anything outside the bounds: ids, space ids or keys, or their titles. */
export function expectNoLeak(
  result: CallToolResult,
  outside: ReturnType<typeof outsideOf>,
  what: string,
): void {
  const found: string[] = [];
  const walk = (value: unknown, field: string) => {
    if (Array.isArray(value)) for (const v of value) walk(v, field);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, k);
    else if (typeof value === 'string') {
      if (
        ['id', 'page_id', 'parent_id', 'root_id', 'homepage_id'].includes(field) &&
        outside.pageIds.has(value)
      )
        found.push(`${field} ${value}`);
      if (field === 'space_id' && outside.spaceIds.has(value)) found.push(`space_id ${value}`);
      if ((field === 'space_key' || field === 'key') && outside.keys.has(value.toLowerCase()))
        found.push(`${field} ${value}`);
    }
  };
  walk(result.structuredContent, '');
  const text = textOf(result);
  for (const title of outside.titles) if (text.includes(title)) found.push(`title "${title}"`);
  expect(found, `${what} leaked: ${text.slice(0, 400)}`).toEqual([]);
}

/** Web URL and tiny link of a page on the sandbox's default site. */
export function pageUrls(sandbox: Sandbox, key: string, id: string): string[] {
  return [
    `${sandbox.url}/wiki/spaces/${key}/pages/${id}/Title`,
    `${sandbox.url}/wiki/x/${encodeTinyLink(id)}`,
  ];
}
