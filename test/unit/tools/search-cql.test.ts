import { describe, expect, it } from 'vitest';
import { buildCql, cqlString } from '../../../tools/search.js';

describe('plain text to CQL', () => {
  it('quotes text so quotes, backslashes and operators stay literal', () => {
    expect(cqlString('say "hi"')).toBe('"say \\"hi\\""');
    expect(cqlString('a\\" OR space = HR')).toBe('"a\\\\\\" OR space = HR"');
  });

  it('cannot be broken out of: an injected OR stays inside the string', () => {
    const cql = buildCql({ text: 'x" OR space = "HR', type: 'page' });
    expect(cql).toBe('text ~ "x\\" OR space = \\"HR" AND type = page');
  });

  it('adds filters with AND, wrapping a raw CQL expression in parentheses', () => {
    expect(buildCql({ text: 'deploy', space: 'ENG', label: 'runbook', type: 'page' })).toBe(
      'text ~ "deploy" AND space = "ENG" AND label = "runbook" AND type = page',
    );
    expect(buildCql({ cql: 'title ~ a OR title ~ b', space: 'ENG' })).toBe(
      '(title ~ a OR title ~ b) AND space = "ENG"',
    );
    expect(buildCql({ cql: 'title ~ roadmap' })).toBe('title ~ roadmap');
  });
});

describe('ORDER BY in CQL', () => {
  it('stays at the end when filters are added, and is found only outside quotes', async () => {
    const { buildCql: build, splitOrderBy } = await import('../../../tools/search.js');
    expect(splitOrderBy('title ~ "order by x" ORDER BY created DESC')).toEqual({
      where: 'title ~ "order by x"',
      orderBy: 'ORDER BY created DESC',
    });
    expect(build({ cql: 'type = page order by lastmodified desc', space: 'ENG' })).toBe(
      '(type = page) AND space = "ENG" order by lastmodified desc',
    );
  });
});
