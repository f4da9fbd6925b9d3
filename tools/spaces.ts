import { z } from 'zod';
import { type ConfluenceClient, findSpaceByKey, listSpaces } from '../src/confluence/index.js';
import { webUrl } from '../src/confluence/links.js';
import type { Space } from '../src/confluence/types.js';
import { defineTool, ToolInputError } from './define.js';
import { compact, line, moreText, pageSize, pagingInput, pagingOutput } from './shared.js';

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
 * The id of a space named by key or id. v2 endpoints take ids, people and models use keys, so tools accept both.
 */
export async function resolveSpaceId(
  client: ConfluenceClient,
  space: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  if (/^\d+$/.test(space)) return space;
  const found = await findSpaceByKey(client, { key: space, signal });
  if (!found) {
    throw new ToolInputError(
      `No space with key "${space}" is visible to you. Space keys are case-sensitive; confluence_list_spaces lists them.`,
    );
  }
  return found.id;
}

export const listSpacesTool = defineTool({
  name: 'confluence_list_spaces',
  title: 'List spaces',
  description:
    'Lists the Confluence spaces you can see: id, key, name, type, status, home page id and web URL. Use it to find a space key before listing or searching its pages. Filter by keys, type or status; page with cursor.',
  toolset: 'spaces',
  input: {
    keys: z.array(z.string().min(1).max(255)).max(100).optional().describe('Only these space keys.'),
    type: z
      .enum(['global', 'collaboration', 'knowledge_base', 'personal'])
      .optional()
      .describe('Only this type.'),
    status: z.enum(['current', 'archived']).optional().describe('Only current or only archived spaces.'),
    labels: z
      .array(z.string().min(1).max(255))
      .max(20)
      .optional()
      .describe('Only spaces with one of these labels.'),
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
    const spaces = page.items.map((space) => projectSpace(space, page.base));
    const lines = spaces.map(
      (s) => `- ${line(s.key, s.name, s.type, s.status !== 'current' && s.status, `id ${s.id}`)}`,
    );
    return {
      text: [...lines, moreText(page.nextCursor, spaces.length, 'spaces')].join('\n'),
      structured: compact({ spaces, next_cursor: page.nextCursor }),
    };
  },
});
