import type { SeedGroup } from './types.js';
import { ID } from './users.js';

/**
 * Groups on the demo site. The demo user (Priya) is in most of them but not in `hr`, `site-admins`,
 * `leadership` or `contractors`, so restrictions to those groups hide content from her.
 */
export const groups: readonly SeedGroup[] = [
  {
    name: 'confluence-users',
    memberIds: [
      ID.priya,
      ID.jonas,
      ID.sofia,
      ID.daniel,
      ID.hannah,
      ID.marcus,
      ID.aiko,
      ID.zoe,
      ID.tom,
      ID.fatima,
      ID.ravi,
      ID.grace,
      ID.olu,
    ],
  },
  {
    name: 'engineering',
    memberIds: [ID.priya, ID.jonas, ID.daniel, ID.marcus, ID.aiko, ID.zoe, ID.fatima, ID.olu],
  },
  { name: 'platform-team', memberIds: [ID.priya, ID.jonas, ID.daniel, ID.olu] },
  { name: 'sre', memberIds: [ID.priya, ID.daniel, ID.fatima, ID.olu] },
  { name: 'release-managers', memberIds: [ID.priya, ID.jonas, ID.sofia] },
  { name: 'product', memberIds: [ID.priya, ID.sofia, ID.tom, ID.marcus] },
  { name: 'support', memberIds: [ID.priya, ID.sofia, ID.ravi, ID.olu] },
  { name: 'hr', memberIds: [ID.hannah, ID.grace] },
  { name: 'leadership', memberIds: [ID.marcus, ID.grace, ID.jonas] },
  { name: 'site-admins', memberIds: [ID.jonas, ID.marcus, ID.fatima] },
  { name: 'contractors', memberIds: [ID.ravi] },
];
