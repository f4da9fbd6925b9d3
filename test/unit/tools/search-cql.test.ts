import { describe, expect, it } from 'vitest';
import { CqlSyntaxError, cqlString } from '../../../src/confluence/index.js';
import { searchCql } from '../../../tools/search.js';

describe('plain text to CQL', () => {
  it('quotes text so quotes, backslashes and operators stay literal', () => {
    expect(cqlString('say "hi"')).toBe('"say \\"hi\\""');
    expect(cqlString('a\\" OR space = HR')).toBe('"a\\\\\\" OR space = HR"');
  });

  it('cannot be broken out of: an injected OR stays inside the string', () => {
    const cql = searchCql({ text: 'x" OR space = "HR', type: 'page' });
    expect(cql).toBe('text ~ "x\\" OR space = \\"HR" AND type = page');
  });

  it('adds filters with AND, wrapping a raw CQL expression in parentheses', () => {
    expect(searchCql({ text: 'deploy', space: 'ENG', label: 'runbook', type: 'page' })).toBe(
      'text ~ "deploy" AND space = "ENG" AND label = "runbook" AND type = page',
    );
    expect(searchCql({ cql: 'title ~ a OR title ~ b', space: 'ENG' })).toBe(
      '(title ~ a OR title ~ b) AND space = "ENG"',
    );
    expect(searchCql({ cql: 'title ~ roadmap' })).toBe('title ~ roadmap');
  });

  it('puts the operator bounds outside everything the caller wrote', () => {
    expect(searchCql({ cql: 'title ~ a OR title ~ b', type: 'page' }, 'space not in ("HR")')).toBe(
      '((title ~ a OR title ~ b) AND type = page) AND space not in ("HR")',
    );
  });

  it('refuses the reported escape through unbalanced parentheses instead of running it', () => {
    expect(() =>
      searchCql({ cql: 'title ~ a)) OR space = HR OR ((title ~ a', type: 'page' }, 'space not in ("HR")'),
    ).toThrow(CqlSyntaxError);
  });
});

describe('ORDER BY in CQL', () => {
  it('stays at the end when filters and bounds are added, and is found only outside quotes', () => {
    expect(searchCql({ cql: 'title ~ "order by x" ORDER BY created DESC' })).toBe(
      'title ~ "order by x" ORDER BY created desc',
    );
    expect(
      searchCql({ cql: 'type = page order by lastmodified desc', space: 'ENG' }, 'space in ("ENG")'),
    ).toBe('((type = page) AND space = "ENG") AND space in ("ENG") ORDER BY lastmodified desc');
  });
});
