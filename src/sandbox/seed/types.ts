/**
 * The shape of the sandbox's demo site, as plain data. The sandbox turns it into live state at start-up,
 * assigning numeric ids in seed order, so the same seed always yields the same ids.
 */

/** A person (or app) with an Atlassian account. */
export interface SeedUser {
  /** Atlassian account id, e.g. `712020:2f3c...` or a 24-hex legacy id. */
  accountId: string;
  displayName: string;
  publicName: string;
  email: string;
  timeZone: string;
  accountType: 'atlassian' | 'app';
  /** Sandbox API token for Basic auth (`email:apiToken`) on the site form. Only for users that may log in. */
  apiToken?: string;
}

/** A Confluence group; members by account id. */
export interface SeedGroup {
  name: string;
  memberIds: readonly string[];
}

/**
 * Who may see a space or page. Absent means everyone on the site. Users match by account id, groups by name.
 * A page inherits its ancestors' and its space's restrictions.
 */
export interface SeedRestriction {
  users?: readonly string[];
  groups?: readonly string[];
}

/** A page and, recursively, its children. `body` is Confluence storage format (XHTML with ac:/ri: elements). */
export interface SeedPage {
  title: string;
  body: string;
  /** Account id of the author (also the creator of every version). Defaults to the space's author. */
  authorId?: string;
  labels?: readonly string[];
  status?: 'current' | 'draft' | 'archived';
  /** Who may view this page (and its descendants). */
  viewRestriction?: SeedRestriction;
  /** Who may edit this page; others who can view it get 403 on writes. */
  editRestriction?: SeedRestriction;
  /**
   * Earlier versions, oldest first; the page's current `title`/`body` is the newest version.
   * Each needs its own body so version reads show real differences.
   */
  history?: readonly {
    title?: string;
    body: string;
    message?: string;
    authorId?: string;
    minorEdit?: boolean;
  }[];
  /** ISO date-time of creation; versions are spread after it. */
  createdAt: string;
  children?: readonly SeedPage[];
}

/** A space with its home page (the root of its page tree). */
export interface SeedSpace {
  key: string;
  name: string;
  type: 'global' | 'personal' | 'collaboration' | 'knowledge_base';
  status: 'current' | 'archived';
  /** Plain-text description. */
  description: string;
  authorId: string;
  createdAt: string;
  labels?: readonly string[];
  viewRestriction?: SeedRestriction;
  homepage: SeedPage;
}

/** A whole Confluence site. */
export interface SeedSite {
  /** Site title as `settings/systemInfo` reports it. */
  siteTitle: string;
  /** Sub-domain-like name of the site, e.g. `acme` for acme.atlassian.net. */
  name: string;
  defaultLocale: string;
  defaultTimeZone: string;
  users: readonly SeedUser[];
  groups: readonly SeedGroup[];
  spaces: readonly SeedSpace[];
}
