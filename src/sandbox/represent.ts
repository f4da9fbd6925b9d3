import { encodeTinyLink } from '../confluence/index.js';
import type { ApiContext } from './api.js';
import { v2Error } from './http.js';
import {
  currentVersion,
  type PageVersionRecord,
  type SandboxPage,
  type SandboxSpace,
  type SandboxUser,
} from './model.js';
import { renderView } from './render.js';

/** Confluence's web path of a page: `/spaces/KEY/pages/ID/Title+With+Pluses`. */
export function pageWebPath(space: SandboxSpace | undefined, page: SandboxPage, title: string): string {
  return `/spaces/${encodeURIComponent(space?.key ?? '')}/pages/${page.id}/${encodeURIComponent(title).replace(/%20/g, '+')}`;
}

export function versionJson(v: PageVersionRecord) {
  return {
    createdAt: v.createdAt,
    message: v.message,
    number: v.number,
    minorEdit: v.minorEdit,
    authorId: v.authorId,
  };
}

export type BodyFormat = 'storage' | 'view' | 'atlas_doc_format' | 'export_view';

function bodyJson(ctx: ApiContext, version: PageVersionRecord, format: BodyFormat | undefined) {
  if (!format) return {};
  if (format === 'storage') return { storage: { representation: 'storage', value: version.body } };
  if (format === 'view' || format === 'export_view') {
    const value = renderView(version.body, {
      pagePath: (title, key) => {
        for (const page of ctx.site.pages.values()) {
          const space = ctx.site.spaces.get(page.spaceId);
          if (currentVersion(page).title === title && (!key || space?.key === key)) {
            return `${ctx.base}${pageWebPath(space, page, title)}`;
          }
        }
        return undefined;
      },
      userName: (id) => ctx.site.users.get(id)?.displayName,
    });
    return { [format]: { representation: format, value } };
  }
  throw v2Error(400, `The sandbox does not render body-format=${format}; use storage or view`);
}

/** A page as v2 answers it: `PageSingle` (with `_links.base`) or `PageBulk` in lists. */
export function pageJson(
  ctx: ApiContext,
  page: SandboxPage,
  options: { bodyFormat?: BodyFormat | undefined; version?: PageVersionRecord; single?: boolean } = {},
) {
  const version = options.version ?? currentVersion(page);
  const space = ctx.site.spaces.get(page.spaceId);
  const parent = page.parentId ? ctx.site.pages.get(page.parentId) : undefined;
  const links: Record<string, string> = {
    editui: `/pages/resumedraft.action?draftId=${page.id}`,
    webui: pageWebPath(space, page, version.title),
    tinyui: `/x/${encodeTinyLink(page.id)}`,
  };
  if (options.single) links.base = ctx.base;
  return {
    // A top-level page has no parent: the spec has no null for these, so they are left out.
    ...(parent ? { parentType: 'page', parentId: parent.id } : {}),
    ownerId: page.ownerId,
    lastOwnerId: null,
    createdAt: page.createdAt,
    authorId: page.authorId,
    position: page.position,
    version: versionJson(version),
    body: bodyJson(ctx, version, options.bodyFormat),
    status: page.status,
    title: version.title,
    spaceId: page.spaceId,
    id: page.id,
    _links: links,
  };
}

/** A space as v2 answers it (`SpaceBulk`; `SpaceSingle` adds `_links.base`). */
export function spaceJson(
  ctx: ApiContext,
  space: SandboxSpace,
  options: { descriptionFormat?: 'plain' | 'view' | undefined; single?: boolean } = {},
) {
  const description = options.descriptionFormat
    ? {
        [options.descriptionFormat]: {
          representation: options.descriptionFormat,
          value:
            options.descriptionFormat === 'view'
              ? `<p>${escapeHtml(space.description)}</p>`
              : space.description,
        },
      }
    : null;
  return {
    id: space.id,
    key: space.key,
    name: space.name,
    type: space.type,
    status: space.status,
    authorId: space.authorId,
    createdAt: space.createdAt,
    homepageId: space.homepageId ?? null,
    // The spec has no null for these: a field not asked for is left out.
    ...(description ? { description } : {}),
    _links: options.single
      ? { webui: `/spaces/${space.key}`, base: ctx.base }
      : { webui: `/spaces/${space.key}` },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function labelJson(ctx: ApiContext, name: string) {
  return { id: ctx.site.labelId(name), name, prefix: 'global' };
}

const avatar = (user: SandboxUser) => `/wiki/aa-avatar/${user.accountId}`;

/** A user as v2 `users-bulk` answers it. */
export function userV2Json(user: SandboxUser) {
  return {
    accountId: user.accountId,
    accountType: user.accountType,
    accountStatus: 'active',
    displayName: user.displayName,
    publicName: user.publicName,
    email: user.email,
    timeZone: user.timeZone,
    isExternalCollaborator: false,
    profilePicture: { path: avatar(user), isDefault: false },
  };
}

/** A user as v1 answers it (`User`). */
export function userV1Json(ctx: ApiContext, user: SandboxUser) {
  return {
    type: 'known',
    accountId: user.accountId,
    accountType: user.accountType,
    email: user.email,
    publicName: user.publicName,
    profilePicture: { path: avatar(user), width: 48, height: 48, isDefault: false },
    displayName: user.displayName,
    timeZone: user.timeZone,
    isExternalCollaborator: false,
    externalCollaborator: false,
    isGuest: false,
    _expandable: { operations: '', personalSpace: '' },
    _links: { self: `${ctx.base}/rest/api/user?accountId=${encodeURIComponent(user.accountId)}` },
  };
}
