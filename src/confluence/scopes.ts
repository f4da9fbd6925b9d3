/**
 * The 13 granular OAuth scopes the app is registered with (../shared/CONFLUENCE.md), as Atlassian spells them in
 * `x-atlassian-oauth2-scopes`. Tools name the ones they need from this list.
 */
export const GRANULAR_SCOPES = [
  'read:page:confluence',
  'write:page:confluence',
  'delete:page:confluence',
  'read:hierarchical-content:confluence',
  'read:space:confluence',
  'read:space-details:confluence',
  'write:space:confluence',
  'read:user:confluence',
  'read:group:confluence',
  'read:label:confluence',
  'write:label:confluence',
  'read:configuration:confluence',
  'read:content-details:confluence',
] as const;

export type GranularScope = (typeof GRANULAR_SCOPES)[number];

/** Without it Atlassian issues no refresh token. */
export const OFFLINE_ACCESS = 'offline_access';
