import { z } from 'zod';
import { updatePage } from '../src/confluence/index.js';
import { defineTool, ToolInputError, ToolRefusal } from './define.js';
import { bodyFormatArgument, checkMarkdownSize } from './page-body.js';
import { fetchPage, pageArgument } from './page-common.js';
import { refuseIfStale, written, writtenOutput } from './page-write.js';

export const updatePageSectionTool = defineTool({
  name: 'confluence_update_page_section',
  title: 'Update one section of a page',
  description:
    'Replaces or appends to the content under one heading, leaving the rest of the page byte for byte. Safer than rewriting a page.',
  toolset: 'pages',
  input: {
    page: pageArgument,
    heading: z
      .string()
      .min(1)
      .max(500)
      .describe(
        'The heading as shown (in Markdown too: `**Impact**`, emoji), or "Parent > Heading" for duplicates.',
      ),
    occurrence: z
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe('Which match (1 = first) when the heading repeats.'),
    body: z.string().max(5_000_000).describe('The new (or added) content.'),
    body_format: bodyFormatArgument,
    mode: z.enum(['replace', 'append']).default('replace').describe('Replace the section, or append to it.'),
    version_message: z.string().max(500).optional().describe('Shown in the page history.'),
    expected_version: z.int().min(1).optional().describe('The version you read.'),
  },
  output: {
    ...writtenOutput,
    previous_version: z.int(),
    section: z.string(),
    mode: z.enum(['replace', 'append']),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  scopes: ['write:page:confluence', 'read:page:confluence'],
  pageReferences: ['page'],
  async handler(args, ctx) {
    const current = await fetchPage(ctx, args.page, { body: true });
    const currentVersion = current.version?.number ?? 1;
    await refuseIfStale(ctx, current, args.expected_version);
    const storage = current.body?.storage?.value ?? '';
    if (args.body_format === 'markdown') checkMarkdownSize(args.body);
    // Finding the section, the preservation check and the conversion all grow with the page (up to 5 MB) and the
    // Markdown: one job, run off the event loop for a large page, so no user's section edit stalls the others.
    const result = await ctx.convert.editSection(
      {
        storage,
        heading: args.heading,
        occurrence: args.occurrence,
        body: args.body,
        bodyFormat: args.body_format,
        mode: args.mode,
      },
      ctx.signal,
    );
    if ('invalid' in result) throw new ToolInputError(result.invalid);
    if ('kept' in result) {
      throw new ToolRefusal(
        `Not updated: the section "${result.section}" holds content Markdown cannot express (${result.kept.join('; ')}), which replacing it in Markdown would delete. Append instead (mode append), or send the section in storage format (read the page with body_format storage).`,
      );
    }
    const page = await updatePage(ctx.confluence, {
      id: current.id,
      title: current.title,
      status: current.status === 'draft' ? 'draft' : 'current',
      body: { representation: 'storage', value: result.storage },
      version: currentVersion + 1,
      versionMessage: args.version_message,
      signal: ctx.signal,
    });
    const out = {
      ...written(page),
      previous_version: currentVersion,
      section: result.section,
      mode: args.mode,
    };
    const verb = args.mode === 'replace' ? 'Replaced the section' : 'Added to the section';
    return {
      text: `${verb} "${result.section}" of "${out.title}" (now version ${out.version}).`,
      structured: out,
    };
  },
});
