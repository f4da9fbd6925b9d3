import { ADR_INDEX_TITLE } from './eng-adrs.js';
import { API_REFERENCE_TITLE } from './eng-api-reference.js';
import { SERVICE_INVENTORY_TITLE } from './eng-service-inventory.js';
import { groups } from './groups.js';
import { archiveSpace } from './space-archive.js';
import { engSpace } from './space-eng.js';
import { hrSpace } from './space-hr.js';
import { personalSpace } from './space-personal.js';
import { productSpace } from './space-product.js';
import { supportSpace } from './space-support.js';
import type { SeedSite, SeedUser } from './types.js';
import { ID, users } from './users.js';

/**
 * The sandbox's demo site: Acme Robotics, a fictional maker of warehouse robots, with an engineering wiki, a
 * product space, an HR space the demo user cannot see, a support knowledge base, a personal space and an
 * archived project space.
 */
export const demoSite: SeedSite = {
  siteTitle: 'Acme Robotics Confluence',
  name: 'acme',
  defaultLocale: 'en_GB',
  defaultTimeZone: 'Europe/London',
  users,
  groups,
  spaces: [engSpace, productSpace, hrSpace, supportSpace, personalSpace, archiveSpace],
};

function user(accountId: string): SeedUser {
  const found = users.find((u) => u.accountId === accountId);
  if (!found) throw new Error(`seed user ${accountId} missing`);
  return found;
}

/** The user the sandbox acts as by default (Priya Raman): in most groups, not in `hr` or `site-admins`. */
export const DEMO_USER: SeedUser = user(ID.priya);
/** A site admin with an API token (Jonas Becker), who can see admin-restricted pages but not the HR space. */
export const ADMIN_USER: SeedUser = user(ID.jonas);
/** An HR user with an API token (Hannah Lindqvist), who can see the HR space. */
export const HR_USER: SeedUser = user(ID.hannah);
/** The app account that "writes" generated pages. */
export const BOT_USER: SeedUser = user(ID.deployBot);

/** A page named by its space key and title. */
export interface SeedPageRef {
  space: string;
  title: string;
}

/** Named pages and spaces that tests rely on; each is checked against the seed by the seed's own tests. */
export const SEED_FACTS = {
  /** The space the demo user works in most. */
  mainSpace: 'ENG',
  /** Visible only to the `hr` group, so not to the demo user. */
  hiddenSpace: 'HR',
  archivedSpace: 'ATLAS',
  knowledgeBaseSpace: 'SUP',
  personalSpace: personalSpace.key,
  /** Parent with more direct children than one default page of results (25). */
  manyChildren: { space: 'ENG', title: ADR_INDEX_TITLE, childCount: 33 },
  /** A table of 200+ rows. */
  bigTable: { space: 'ENG', title: SERVICE_INVENTORY_TITLE, minRows: 200 },
  /** The largest page body (over 150 KB of storage). */
  largestPage: { space: 'ENG', title: API_REFERENCE_TITLE },
  /** Code macros in bash, yaml (with blank lines and indentation) and a linked anchor. */
  codeMacros: { space: 'ENG', title: 'Deployment guide' },
  /** A code macro whose body contains `]]>`, stored split as `]]]]><![CDATA[>`. */
  cdataSplit: { space: personalSpace.key, title: 'TIL' },
  /** Has the `jira` macro, which converters do not know and must keep. */
  unknownMacro: { space: 'ENG', title: 'Architecture overview' },
  /** Layouts (two_equal, three_equal, single), an external image and a JQL jira macro. */
  layouts: { space: 'ENG', title: 'Engineering Home' },
  /** Depth 5: Engineering Home > Architecture > Service catalogue > Fleet Telemetry Service > this. */
  deepLeaf: { space: 'ENG', title: 'Fleet Telemetry Service: data model', depth: 5 },
  /** Four versions: three in history plus the current one. */
  withHistory: { space: 'ENG', title: 'Architecture overview', versions: 4 },
  /** Viewable only by `site-admins` (not the demo user). */
  restrictedToGroup: { space: 'ENG', title: 'Break-glass access procedure', group: 'site-admins' },
  /** Viewable only by one user (Jonas), not the demo user. */
  restrictedToUser: { space: 'ENG', title: 'Engineering promotion calibration notes', userId: ID.jonas },
  /** Viewable by everyone, editable only by Jonas: the demo user gets 403 on writes. */
  editRestricted: { space: 'ENG', title: 'API style guide', editorId: ID.jonas },
  /** Meeting notes with a task list, mentions and dates. */
  meetingNotes: { space: 'ENG', title: 'Platform sync 2026-03-23' },
  draftPage: { space: 'ENG', title: 'Kubernetes 1.31 upgrade plan' },
  archivedPage: { space: 'ENG', title: 'Jenkins build system' },
  /** A title with a character that needs escaping in XML and URLs. */
  specialCharacters: { space: 'ENG', title: 'Security & compliance' },
  /** A table with rowspan and colspan, and a table nested in a cell. */
  complexTables: { space: 'ENG', title: 'Threat model: robot-to-cloud link' },
} as const;
