import { z } from 'zod';
import {
  cqlString,
  getCurrentUser,
  getUsers,
  listGroupMembers,
  listGroups,
  searchGroups,
  searchUsers,
  type User,
} from '../src/confluence/index.js';
import { defineTool, ToolInputError } from './define.js';
import { compact, idInput, line, moreText, pageSize, pagingInput, pagingOutput } from './shared.js';

const userOutput = z.object({
  account_id: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  account_type: z.string().optional(),
  time_zone: z.string().optional(),
});

function projectUser(u: User) {
  return compact({
    account_id: u.accountId ?? '',
    name: u.displayName ?? u.publicName ?? undefined,
    email: u.email ?? undefined,
    account_type: u.accountType,
    time_zone: u.timeZone ?? undefined,
  });
}

const userLine = (u: ReturnType<typeof projectUser>) => `- ${line(u.name, u.email, u.account_id)}`;

export const getCurrentUserTool = defineTool({
  name: 'confluence_get_current_user',
  title: 'Who am I',
  description: 'Shows the Confluence account tools act as: account id, name, email, time zone.',
  toolset: 'users',
  input: {},
  output: userOutput.shape,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:content-details:confluence'],
  async handler(_args, ctx) {
    const me = projectUser(await getCurrentUser(ctx.confluence, { signal: ctx.signal }));
    return { text: `You are ${line(me.name, me.email, me.account_id)}.`, structured: me };
  },
});

export const getUsersTool = defineTool({
  name: 'confluence_get_users',
  title: 'Look up users',
  description: 'Looks up users by account id (up to 250): name, email, time zone.',
  toolset: 'users',
  input: {
    account_ids: z
      .array(idInput(z.string().min(1).max(128)))
      .min(1)
      .max(250)
      .describe('Atlassian account ids.'),
  },
  output: { users: z.array(userOutput), not_found: z.array(z.string()).optional() },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:user:confluence'],
  async handler(args, ctx) {
    const users = (await getUsers(ctx.confluence, { accountIds: args.account_ids, signal: ctx.signal })).map(
      projectUser,
    );
    const found = new Set(users.map((u) => u.account_id));
    const missing = args.account_ids.filter((id) => !found.has(id));
    return {
      text: [...users.map(userLine), missing.length ? `Not found: ${missing.join(', ')}` : '']
        .filter(Boolean)
        .join('\n'),
      structured: compact({ users, not_found: missing.length ? missing : undefined }),
    };
  },
});

export const searchUsersTool = defineTool({
  name: 'confluence_search_users',
  title: 'Search users',
  description: 'Finds users by name (whole or partial words): account id, name, email.',
  toolset: 'users',
  input: {
    query: z.string().min(1).max(200).describe('A name or part of one.'),
    ...pagingInput,
  },
  output: { users: z.array(userOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:content-details:confluence'],
  async handler(args, ctx) {
    const page = await searchUsers(ctx.confluence, {
      cql: `user.fullname ~ ${cqlString(args.query)}`,
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      signal: ctx.signal,
    });
    const users = page.items.map(projectUser);
    return {
      text: [...users.map(userLine), moreText(page.nextCursor, users.length, 'users')].join('\n'),
      structured: compact({ users, next_cursor: page.nextCursor }),
    };
  },
});

const groupOutput = z.object({ id: z.string(), name: z.string() });

export const listGroupsTool = defineTool({
  name: 'confluence_list_groups',
  title: 'List groups',
  description: 'Lists groups (id, name), optionally those whose name contains `name`.',
  toolset: 'groups',
  input: { name: z.string().min(1).max(200).optional().describe('Part of the group name.'), ...pagingInput },
  output: { groups: z.array(groupOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:group:confluence'],
  async handler(args, ctx) {
    const paging = {
      cursor: args.cursor,
      limit: Math.min(pageSize(args.limit, ctx), 200),
      signal: ctx.signal,
    };
    const page = args.name
      ? await searchGroups(ctx.confluence, { query: args.name, ...paging })
      : await listGroups(ctx.confluence, paging);
    const groups = page.items.map((g) => ({ id: g.id, name: g.name }));
    return {
      text: [
        ...groups.map((g) => `- ${g.name} (id ${g.id})`),
        moreText(page.nextCursor, groups.length, 'groups'),
      ].join('\n'),
      structured: compact({ groups, next_cursor: page.nextCursor }),
    };
  },
});

export const getGroupMembersTool = defineTool({
  name: 'confluence_get_group_members',
  title: 'List group members',
  description: "Lists a group's members (group id or exact name): account id, name, email.",
  toolset: 'groups',
  input: {
    group: idInput(z.string().min(1).max(255)).describe('Group id, or its exact name.'),
    ...pagingInput,
  },
  output: { group_id: z.string(), members: z.array(userOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:group:confluence', 'read:user:confluence'],
  async handler(args, ctx) {
    let groupId = args.group;
    if (!/^[0-9a-f-]{36}$/i.test(args.group)) {
      const found = await searchGroups(ctx.confluence, { query: args.group, limit: 200, signal: ctx.signal });
      const exact = found.items.find((g) => g.name === args.group);
      if (!exact)
        throw new ToolInputError(`No group named "${args.group}". confluence_list_groups lists them.`);
      groupId = exact.id;
    }
    const page = await listGroupMembers(ctx.confluence, {
      groupId,
      cursor: args.cursor,
      limit: Math.min(pageSize(args.limit, ctx), 200),
      signal: ctx.signal,
    });
    const members = page.items.map(projectUser);
    return {
      text: [
        `Members of ${args.group}:`,
        ...members.map(userLine),
        moreText(page.nextCursor, members.length, 'members'),
      ].join('\n'),
      structured: compact({ group_id: groupId, members, next_cursor: page.nextCursor }),
    };
  },
});
