import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { GRANULAR_SCOPES } from '../../../src/confluence/scopes.js';
import { requiredScopes } from '../../../src/mcp/registry.js';
import { ALL_TOOLS, selectTools, TOOLSETS } from '../../../tools/index.js';

describe('the tool registry', () => {
  it('has unique names in confluence_<verb>_<noun> form', () => {
    const names = ALL_TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^confluence_[a-z]+(_[a-z]+)*$/);
  });

  it('gives every tool a title, a description for the model, annotations, scopes, a toolset and an output schema', () => {
    for (const tool of ALL_TOOLS) {
      expect(tool.title.length, tool.name).toBeGreaterThan(3);
      expect(tool.description.length, tool.name).toBeGreaterThan(60);
      expect(typeof tool.annotations.readOnlyHint, tool.name).toBe('boolean');
      // Only the account tools (about the connection itself) call no Confluence endpoint.
      if (tool.toolset !== 'account') expect(tool.scopes.length, tool.name).toBeGreaterThan(0);
      for (const scope of tool.scopes) expect(GRANULAR_SCOPES).toContain(scope);
      expect(TOOLSETS).toContain(tool.toolset);
      expect(Object.keys(tool.output).length, tool.name).toBeGreaterThan(0);
      for (const [field, schema] of Object.entries(tool.input)) {
        expect((schema as z.ZodType).description, `${tool.name}.${field} needs a description`).toBeTruthy();
      }
    }
  });

  it('selects by toolset, and read-only mode keeps exactly the tools marked readOnlyHint', () => {
    expect(selectTools(ALL_TOOLS, { toolsets: ['search'], readOnly: false }).map((t) => t.name)).toEqual([
      'confluence_search',
    ]);
    const readOnly = selectTools(ALL_TOOLS, {
      toolsets: [...TOOLSETS],
      readOnly: true,
    });
    expect(readOnly).toEqual(ALL_TOOLS.filter((t) => t.annotations.readOnlyHint));
    const writable = {
      ...ALL_TOOLS[0],
      name: 'confluence_write_thing',
      annotations: { readOnlyHint: false },
    };
    expect(
      selectTools([...ALL_TOOLS, writable] as typeof ALL_TOOLS, {
        toolsets: [...TOOLSETS],
        readOnly: true,
      }),
    ).not.toContain(writable);
  });
});

describe('page references', () => {
  it('are declared by every tool that takes one, so a page URL always chooses the site of the call', () => {
    const referenceNames = ['page', 'parent', 'new_parent', 'before', 'after'];
    for (const tool of ALL_TOOLS) {
      const taken = Object.keys(tool.input).filter((name) => referenceNames.includes(name));
      expect([...(tool.pageReferences ?? [])].sort(), tool.name).toEqual(taken.sort());
    }
  });
});

describe('scopes under space bounds', () => {
  const tool = (name: string) => ALL_TOOLS.find((t) => t.name === name) as (typeof ALL_TOOLS)[number];
  const unbounded = { spaces: { allow: [], deny: [] }, allowPurge: false };
  const bounded = { spaces: { allow: [], deny: ['HR'] }, allowPurge: false };

  it('add read:space to tools that read pages, since each page is judged by its space key', () => {
    expect(requiredScopes(tool('confluence_get_page'), unbounded)).toEqual(['read:page:confluence']);
    expect(requiredScopes(tool('confluence_get_page'), bounded)).toEqual([
      'read:page:confluence',
      'read:space:confluence',
    ]);
    expect(requiredScopes(tool('confluence_list_pages'), bounded)).toEqual(
      tool('confluence_list_pages').scopes,
    );
    // Search hits carry their space key, so search needs nothing more.
    expect(requiredScopes(tool('confluence_search'), bounded)).toEqual(tool('confluence_search').scopes);
  });
});

describe('the maximum result size', () => {
  it('cuts long text and says how to get less, leaving short text alone', async () => {
    const { bounded } = await import('../../../src/mcp/registry.js');
    expect(bounded('short', 1000)).toBe('short');
    const cut = bounded('x'.repeat(5000), 1000);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut).toMatch(/\[cut: \d+ more characters; ask for less/);
  });
});
