/** The sandbox's live data: what a Confluence site holds, mutable by the API. */

import type { SeedUser } from './seed/types.js';

/** A person (or app) with an account: exactly as seeded, since users do not change while the sandbox runs. */
export type SandboxUser = SeedUser;

export interface SandboxGroup {
  id: string;
  name: string;
  memberIds: Set<string>;
}

export interface Restriction {
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

export interface SandboxSpace {
  id: string;
  key: string;
  name: string;
  type: 'global' | 'personal' | 'collaboration' | 'knowledge_base';
  status: 'current' | 'archived';
  description: string;
  authorId: string;
  createdAt: string;
  homepageId: string | undefined;
  labels: Set<string>;
  viewRestriction: Restriction | undefined;
}

export interface PageVersionRecord {
  number: number;
  title: string;
  body: string;
  message: string;
  minorEdit: boolean;
  authorId: string;
  createdAt: string;
}

export type PageStatus = 'current' | 'draft' | 'archived' | 'trashed';

export interface SandboxPage {
  id: string;
  spaceId: string;
  parentId: string | undefined;
  status: PageStatus;
  authorId: string;
  ownerId: string;
  createdAt: string;
  /** Oldest first; the last is the current version. */
  versions: PageVersionRecord[];
  labels: Set<string>;
  viewRestriction: Restriction | undefined;
  editRestriction: Restriction | undefined;
  /** Order among siblings. */
  position: number;
}

/** Everything one site holds. Users are per sandbox (Atlassian accounts span sites); the rest is per site. */
export interface SiteData {
  cloudId: string;
  name: string;
  siteTitle: string;
  defaultLocale: string;
  defaultTimeZone: string;
  groups: Map<string, SandboxGroup>;
  spaces: Map<string, SandboxSpace>;
  pages: Map<string, SandboxPage>;
  /** Label name -> label id; ids are site-wide like Confluence's. */
  labelIds: Map<string, string>;
  nextId: () => string;
}

/** The current version of a page. */
export function currentVersion(page: SandboxPage): PageVersionRecord {
  return page.versions[page.versions.length - 1] as PageVersionRecord;
}
