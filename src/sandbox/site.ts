import { createHash } from 'node:crypto';
import { canonicalId } from '../confluence/index.js';
import type {
  PageStatus,
  PageVersionRecord,
  Restriction,
  SandboxGroup,
  SandboxPage,
  SandboxSpace,
  SandboxUser,
} from './model.js';
import { currentVersion } from './model.js';
import type { SeedPage, SeedRestriction, SeedSite } from './seed/types.js';

/** A deterministic UUID-shaped id from a name, so seeded ids are stable across runs. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function restriction(seed: SeedRestriction | undefined): Restriction | undefined {
  if (!seed) return undefined;
  return { users: new Set(seed.users ?? []), groups: new Set(seed.groups ?? []) };
}

/** Why a write was refused, in Confluence's words, with the status it answers. */
export class SiteError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One Confluence site's content and the rules Confluence applies to it: who may see and edit what, versions,
 * the trash, the page tree. Route handlers translate HTTP to these calls and back.
 */
export class Site {
  readonly cloudId: string;
  readonly name: string;
  readonly siteTitle: string;
  readonly defaultLocale: string;
  readonly defaultTimeZone: string;
  readonly groups = new Map<string, SandboxGroup>();
  readonly spaces = new Map<string, SandboxSpace>();
  readonly pages = new Map<string, SandboxPage>();
  readonly labelIds = new Map<string, string>();
  readonly users: ReadonlyMap<string, SandboxUser>;
  /** Whether the site has role-based access control, which v2 space creation requires. */
  roleBasedAccess = true;
  #nextId: number;
  #now: () => Date;

  constructor(seed: SeedSite, users: ReadonlyMap<string, SandboxUser>, now: () => Date, firstId = 65_537) {
    this.cloudId = stableUuid(`cloud:${seed.name}`);
    this.name = seed.name;
    this.siteTitle = seed.siteTitle;
    this.defaultLocale = seed.defaultLocale;
    this.defaultTimeZone = seed.defaultTimeZone;
    this.users = users;
    this.#nextId = firstId;
    this.#now = now;
    for (const group of seed.groups) {
      const id = stableUuid(`group:${seed.name}:${group.name}`);
      this.groups.set(id, { id, name: group.name, memberIds: new Set(group.memberIds) });
    }
    for (const space of seed.spaces) {
      const id = this.nextId();
      const record: SandboxSpace = {
        id,
        key: space.key,
        name: space.name,
        type: space.type,
        status: space.status,
        description: space.description,
        authorId: space.authorId,
        createdAt: space.createdAt,
        homepageId: undefined,
        labels: new Set(space.labels ?? []),
        viewRestriction: restriction(space.viewRestriction),
      };
      for (const label of record.labels) this.labelId(label);
      this.spaces.set(id, record);
      record.homepageId = this.#seedPage(space.homepage, record, undefined, space.authorId, 0);
    }
  }

  nextId(): string {
    return String(this.#nextId++);
  }

  now(): string {
    return this.#now().toISOString();
  }

  #seedPage(
    seed: SeedPage,
    space: SandboxSpace,
    parentId: string | undefined,
    fallbackAuthor: string,
    position: number,
  ) {
    const id = this.nextId();
    const authorId = seed.authorId ?? fallbackAuthor;
    const created = Date.parse(seed.createdAt);
    const history = seed.history ?? [];
    const versions: PageVersionRecord[] = history.map((h, i) => ({
      number: i + 1,
      title: h.title ?? seed.title,
      body: h.body,
      message: h.message ?? '',
      minorEdit: h.minorEdit ?? false,
      authorId: h.authorId ?? authorId,
      createdAt: new Date(created + i * 86_400_000).toISOString(),
    }));
    versions.push({
      number: versions.length + 1,
      title: seed.title,
      body: seed.body,
      message: '',
      minorEdit: false,
      authorId,
      createdAt: new Date(created + history.length * 86_400_000).toISOString(),
    });
    const page: SandboxPage = {
      id,
      spaceId: space.id,
      parentId,
      status: seed.status ?? 'current',
      authorId,
      ownerId: authorId,
      createdAt: new Date(created).toISOString(),
      versions,
      labels: new Set(seed.labels ?? []),
      viewRestriction: restriction(seed.viewRestriction),
      editRestriction: restriction(seed.editRestriction),
      position,
    };
    for (const label of page.labels) this.labelId(label);
    this.pages.set(id, page);
    (seed.children ?? []).forEach((child, i) => {
      this.#seedPage(child, space, id, authorId, i);
    });
    return id;
  }

  /** The site-wide id of a label name, created on first use like Confluence does. */
  labelId(name: string): string {
    let id = this.labelIds.get(name);
    if (!id) {
      id = this.nextId();
      this.labelIds.set(name, id);
    }
    return id;
  }

  labelName(id: string): string | undefined {
    for (const [name, labelId] of this.labelIds) if (labelId === id) return name;
    return undefined;
  }

  groupNamesOf(accountId: string): Set<string> {
    const names = new Set<string>();
    for (const group of this.groups.values()) if (group.memberIds.has(accountId)) names.add(group.name);
    return names;
  }

  #allows(rule: Restriction | undefined, accountId: string): boolean {
    if (!rule) return true;
    if (rule.users.has(accountId)) return true;
    for (const name of this.groupNamesOf(accountId)) if (rule.groups.has(name)) return true;
    return false;
  }

  canViewSpace(space: SandboxSpace, accountId: string): boolean {
    return this.#allows(space.viewRestriction, accountId);
  }

  /** View restrictions inherit down the tree: every ancestor's must allow the user, and the space's. */
  canView(page: SandboxPage, accountId: string): boolean {
    const space = this.spaces.get(page.spaceId);
    if (!space || !this.canViewSpace(space, accountId)) return false;
    if (page.status === 'draft' && page.authorId !== accountId) return false;
    for (let p: SandboxPage | undefined = page; p; p = p.parentId ? this.pages.get(p.parentId) : undefined) {
      if (!this.#allows(p.viewRestriction, accountId)) return false;
    }
    return true;
  }

  /** Edit restrictions do not inherit in Confluence: only the page's own counts. */
  canEdit(page: SandboxPage, accountId: string): boolean {
    return this.canView(page, accountId) && this.#allows(page.editRestriction, accountId);
  }

  /** A page the user may see, or undefined (404 either way, as v2 does). */
  visiblePage(
    id: string,
    accountId: string,
    statuses: readonly PageStatus[] = ['current', 'archived', 'draft'],
  ) {
    // Ids are integers to Confluence: any spelling of one names the same page.
    const page = this.pages.get(canonicalId(id) ?? '');
    if (!page || !statuses.includes(page.status) || !this.canView(page, accountId)) return undefined;
    return page;
  }

  visibleSpace(id: string, accountId: string): SandboxSpace | undefined {
    const space = this.spaces.get(canonicalId(id) ?? '');
    return space && this.canViewSpace(space, accountId) ? space : undefined;
  }

  spaceByKey(key: string): SandboxSpace | undefined {
    for (const space of this.spaces.values()) if (space.key === key) return space;
    return undefined;
  }

  /** Children in position order (all statuses; callers filter). */
  children(parentId: string): SandboxPage[] {
    const out: SandboxPage[] = [];
    for (const page of this.pages.values()) if (page.parentId === parentId) out.push(page);
    return out.sort((a, b) => a.position - b.position || Number(a.id) - Number(b.id));
  }

  titleTaken(spaceId: string, title: string, exceptId?: string): boolean {
    for (const page of this.pages.values()) {
      if (page.spaceId !== spaceId || page.id === exceptId || page.status === 'trashed') continue;
      if (currentVersion(page).title.toLowerCase() === title.toLowerCase()) return true;
    }
    return false;
  }

  createPage(input: {
    space: SandboxSpace;
    title: string;
    body: string;
    parentId: string | undefined;
    status: 'current' | 'draft';
    authorId: string;
  }): SandboxPage {
    const parentId = input.parentId ?? input.space.homepageId;
    const siblings = parentId ? this.children(parentId) : [];
    const page: SandboxPage = {
      id: this.nextId(),
      spaceId: input.space.id,
      parentId,
      status: input.status,
      authorId: input.authorId,
      ownerId: input.authorId,
      createdAt: this.now(),
      versions: [
        {
          number: 1,
          title: input.title,
          body: input.body,
          message: '',
          minorEdit: false,
          authorId: input.authorId,
          createdAt: this.now(),
        },
      ],
      labels: new Set(),
      viewRestriction: undefined,
      editRestriction: undefined,
      position: siblings.length ? Math.max(...siblings.map((s) => s.position)) + 1 : 0,
    };
    this.pages.set(page.id, page);
    return page;
  }

  /** Whether `candidate` is `page` or below it: re-parenting there would make a cycle. */
  isSelfOrDescendant(candidateId: string, pageId: string): boolean {
    for (let p = this.pages.get(candidateId); p; p = p.parentId ? this.pages.get(p.parentId) : undefined) {
      if (p.id === pageId) return true;
    }
    return false;
  }

  /** Moves a page to the trash; its children move up to its parent, as Confluence does. */
  trash(page: SandboxPage): void {
    for (const child of this.children(page.id)) child.parentId = page.parentId;
    page.status = 'trashed';
  }

  purge(page: SandboxPage): void {
    this.pages.delete(page.id);
  }
}
