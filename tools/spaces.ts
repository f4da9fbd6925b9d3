import { z } from 'zod';
import {
  BadRequestError,
  canonicalId,
  createSpace,
  ForbiddenError,
  findSpaceByKey,
  getSpace,
  listSpacePermissions,
  listSpaces,
  type Space,
  webUrl,
} from '../src/confluence/index.js';
import { defineTool, type ToolContext, ToolInputError, ToolRefusal } from './define.js';
import { compact, idInput, line, moreText, pageSize, pagingInput, pagingOutput } from './shared.js';

const spaceOutput = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  type: z.string().optional(),
  status: z.string().optional(),
  homepage_id: z.string().optional(),
  description: z.string().optional(),
  web_url: z.string().optional(),
});

function projectSpace(space: Space, base: string | undefined): z.input<typeof spaceOutput> {
  return compact({
    id: space.id,
    key: space.key,
    name: space.name,
    type: space.type,
    status: space.status,
    homepage_id: space.homepageId ?? undefined,
    description: space.description?.plain?.value?.trim() || undefined,
    web_url: webUrl(base, space._links?.webui),
  });
}

/**
 * The canonical id of the space a `space` argument names (key or numeric id), checked against the operator's bounds
 * by the key Confluence gives that space. v2 endpoints take ids, people and models use keys, so tools accept both;
 * an id loses any leading zeros before anything else. Without bounds an id needs no request.
 */
export async function resolveAllowedSpace(ctx: ToolContext, space: string): Promise<string> {
  const text = space.trim();
  const numeric = /^\d+$/.test(text);
  const id = numeric ? canonicalId(text) : undefined;
  if (numeric && !id)
    throw new ToolInputError(`"${space}" is not a space id: ids are positive whole numbers.`);
  if (id && !ctx.spaces.active) return id;
  // A denied key is refused before any request; whatever Confluence answers is checked again below.
  if (!numeric) ctx.spaces.checkKey(text);
  const found = id
    ? await getSpace(ctx.confluence, { id, signal: ctx.signal })
    : await findSpaceByKey(ctx.confluence, { key: text, signal: ctx.signal });
  if (!found) {
    throw new ToolInputError(
      `No space with key "${text}" is visible to you. Space keys are case-sensitive; confluence_list_spaces lists them.`,
    );
  }
  ctx.spaces.learn([found]);
  ctx.spaces.checkKey(found.key, `space ${space}`);
  return canonicalId(found.id) ?? found.id;
}

export const listSpacesTool = defineTool({
  name: 'confluence_list_spaces',
  title: 'List spaces',
  description: 'Lists the spaces you can see: id, key, name, type, status, home page, web URL.',
  toolset: 'spaces',
  input: {
    keys: z.array(z.string().min(1).max(255)).max(100).optional().describe('Only these space keys.'),
    type: z
      .enum(['global', 'collaboration', 'knowledge_base', 'personal'])
      .optional()
      .describe('Only this type.'),
    status: z.enum(['current', 'archived']).optional().describe('Space status.'),
    labels: z.array(z.string().min(1).max(255)).max(20).optional().describe('Any of these labels.'),
    ...pagingInput,
  },
  output: { spaces: z.array(spaceOutput), ...pagingOutput },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:space:confluence'],
  async handler(args, ctx) {
    const page = await listSpaces(ctx.confluence, {
      ...(args.keys ? { keys: args.keys } : {}),
      ...(args.type ? { type: args.type } : {}),
      ...(args.status ? { status: args.status } : {}),
      ...(args.labels ? { labels: args.labels } : {}),
      descriptionFormat: 'plain',
      cursor: args.cursor,
      limit: pageSize(args.limit, ctx),
      signal: ctx.signal,
    });
    ctx.spaces.learn(page.items);
    const spaces = ctx.spaces.filterByKey(page.items, (s) => s.key).map((s) => projectSpace(s, page.base));
    const lines = spaces.map(
      (s) => `- ${line(s.key, s.name, s.type, s.status !== 'current' && s.status, `id ${s.id}`)}`,
    );
    return {
      text: [...lines, moreText(page.nextCursor, spaces.length, 'spaces')].join('\n'),
      structured: compact({ spaces, next_cursor: page.nextCursor }),
    };
  },
});

export const getSpaceTool = defineTool({
  name: 'confluence_get_space',
  title: 'Show a space',
  description: 'Shows a space: name, type, status, description, home page, labels, web URL, permissions.',
  toolset: 'spaces',
  input: { space: idInput(z.string().min(1).max(255)).describe('Space key or id.') },
  output: {
    ...spaceOutput.shape,
    labels: z.array(z.string()).optional(),
    permissions: z
      .array(z.object({ operation: z.string(), users: z.int(), groups: z.int() }))
      .optional()
      .describe('How many users and groups hold each permission (first 250 assignments).'),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:space:confluence'],
  async handler(args, ctx) {
    const id = await resolveAllowedSpace(ctx, args.space);
    const [space, permissions] = await Promise.all([
      getSpace(ctx.confluence, { id, descriptionFormat: 'plain', includeLabels: true, signal: ctx.signal }),
      listSpacePermissions(ctx.confluence, { id, limit: 250, signal: ctx.signal }),
    ]);
    ctx.spaces.checkKey(space.key, `space ${args.space}`);
    const counts = new Map<string, { users: number; groups: number }>();
    for (const p of permissions.items) {
      const key = `${p.operation.key} ${p.operation.targetType}`;
      const entry = counts.get(key) ?? { users: 0, groups: 0 };
      if (p.principal.type === 'group') entry.groups++;
      else entry.users++;
      counts.set(key, entry);
    }
    const summary = [...counts.entries()].map(([operation, c]) => ({ operation, ...c }));
    const labels = (space as { labels?: { results: { name: string }[] } }).labels?.results.map((l) => l.name);
    const out = compact({ ...projectSpace(space, space._links?.base), labels, permissions: summary });
    const lines = [
      `${out.name} (${out.key}), ${out.type ?? 'space'}, ${out.status ?? ''}`.trim(),
      out.description ?? '',
      out.homepage_id ? `Home page: ${out.homepage_id}` : '',
      labels?.length ? `Labels: ${labels.join(', ')}` : '',
      summary.length
        ? `Permissions: ${summary.map((s) => `${s.operation} (${s.groups} groups, ${s.users} users)`).join('; ')}`
        : '',
      out.web_url ?? '',
    ];
    return { text: lines.filter(Boolean).join('\n'), structured: out };
  },
});

export const createSpaceTool = defineTool({
  name: 'confluence_create_space',
  title: 'Create a space',
  description:
    'Creates a space with a key, name, description and home page (sites with role-based access control only).',
  toolset: 'spaces',
  input: {
    key: z
      .string()
      .regex(/^[A-Za-z0-9]{1,255}$/, { error: 'letters and digits only' })
      .describe('Space key: letters and digits, e.g. PROJ.'),
    name: z.string().min(1).max(200).describe('Space name.'),
    description: z.string().max(2000).optional().describe('Plain-text description.'),
  },
  output: spaceOutput.shape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scopes: ['write:space:confluence'],
  async handler(args, ctx) {
    ctx.spaces.checkKey(args.key);
    let space: Awaited<ReturnType<typeof createSpace>>;
    try {
      space = await createSpace(ctx.confluence, {
        key: args.key,
        name: args.name,
        description: args.description,
        signal: ctx.signal,
      });
    } catch (error) {
      if (error instanceof BadRequestError && /role-based|rbac|role based/i.test(error.detail ?? '')) {
        throw new ToolRefusal(
          `Confluence refused to create the space: creating spaces through the API needs a site with role-based access control, which this site does not have. Create "${args.name}" (${args.key}) in Confluence's web interface instead.`,
        );
      }
      if (error instanceof ForbiddenError) {
        throw new ToolRefusal(
          'Confluence refused: your account may not create spaces on this site. Ask a site admin.',
        );
      }
      throw error;
    }
    ctx.spaces.learn([space]);
    const out = projectSpace(space, space._links?.base);
    return {
      text: `Created space ${out.name} (${out.key}), id ${out.id}. ${out.web_url ?? ''}`.trim(),
      structured: out,
    };
  },
});
