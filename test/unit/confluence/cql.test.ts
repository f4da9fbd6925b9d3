import { describe, expect, it } from 'vitest';
import {
  CqlSyntaxError,
  composeCql,
  cqlString,
  formatCqlExpr,
  parseCqlQuery,
  spaceBoundsCql,
  tokenizeCql,
} from '../../../src/confluence/cql.js';

const refused = (cql: string) => {
  try {
    composeCql({ cql, bounds: 'space not in ("HR")' });
  } catch (error) {
    expect(error).toBeInstanceOf(CqlSyntaxError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${cql}`);
};

describe('the CQL tokenizer', () => {
  it('reads both kinds of quotes with backslash escapes, operators, parentheses and words', () => {
    const tokens = tokenizeCql(`title~"a \\"b\\" (c)" AND label != 'it\\'s' OR id in (1,2)`);
    expect(tokens.map((t) => ('text' in t ? t.text : t.kind === 'string' ? `<${t.value}>` : t.kind))).toEqual(
      [
        'title',
        '~',
        '<a "b" (c)>',
        'AND',
        'label',
        '!=',
        "<it's>",
        'OR',
        'id',
        'in',
        '(',
        '1',
        ',',
        '2',
        ')',
      ],
    );
  });

  it.each([
    ['title ~ "unterminated', /unterminated string starting at 9/],
    ["title ~ 'single", /unterminated string/],
    ['title ~ "ends in a backslash\\', /unterminated string/],
    ['space ! ENG', /"!" at 7 must be part of != or !~/],
    ['title ~ a && space = HR', /unexpected character "&" at 11/],
    ['title ~ a || space = HR', /unexpected character "\|"/],
    ['title ~ a; space = HR', /unexpected character ";"/],
    ['title ~ \\x', /unexpected character "\\\\"/],
    ['title\u00a0~ a', /unexpected character/],
    ['title ~ "a\u0000b"', /control character/],
  ])('refuses %j', (cql, message) => {
    expect(refused(cql)).toMatch(message);
  });
});

describe('the CQL parser', () => {
  it.each([
    ['title ~ a)) OR space = HR OR ((title ~ a', /unbalanced parentheses/],
    ['(title ~ a', /unbalanced parentheses: "\(" at 1 is not closed/],
    ['((title ~ a) OR (space = HR)', /unbalanced parentheses/],
    ['title ~ a)', /found "\)" at 10 \(unbalanced parentheses\)/],
    [')title ~ a(', /unbalanced parentheses/],
    ['title ~ a AND', /expected a condition .* found the end of the query/],
    ['title ~ a OR', /expected a condition/],
    ['AND space = ENG', /expected a condition .*found "AND"/],
    ['title ~', /expected a value, found the end/],
    ['title ~ a NOT space = HR', /expected AND, OR, ORDER BY or the end, found "NOT"/],
    ['title ~ a ORDER BY title OR space = HR', /ORDER BY must come last/],
    ['title ~ a ORDER BY (space = HR)', /expected a field to order by/],
    ['title ~ a ORDER title', /expected "by"/],
    ['(title ~ a ORDER BY title) OR space = HR', /unbalanced parentheses/],
    ['title ~ a ORDER BY title, ', /expected a field to order by, found the end/],
    ['space in (ENG, HR', /expected "\)" to close the list/],
    ['space in ENG', /expected "\(" after in/],
    ['space not in ()', /expected a value/],
    ['title = and', /keyword, not a value: quote it/],
    ['title ~ now(', /expected a value/],
    ['"space" = HR', /expected a condition/],
    ['sp-ace = HR', /not a field name/],
    ['', /the query is empty/],
    [`${'('.repeat(80)}title ~ a${')'.repeat(80)}`, /nested deeper than 64/],
  ])('refuses %j with a message that says where', (cql, message) => {
    expect(refused(cql)).toMatch(message);
  });

  it.each([
    'title ~ "roadmap" AND space = ENG',
    'space = ENG AND (label = runbook OR label = howto) AND NOT title ~ draft',
    'lastmodified > now("-4w") AND creator = currentUser()',
    'space in ("ENG", PROD) AND type not in (blogpost)',
    'id in (65540, 65541) OR ancestor = 65537',
    'title ~ deploy* order by lastmodified desc, title asc',
    'NOT NOT (title ~ a)',
  ])('accepts and writes back %j so it parses to the same tree', (cql) => {
    const once = parseCqlQuery(cql);
    const written = formatCqlExpr(once.where as NonNullable<typeof once.where>);
    expect(parseCqlQuery(written).where).toEqual(once.where);
  });

  it('refuses a query with no condition at all, and accepts ORDER BY alone when other terms give one', () => {
    expect(() => composeCql({ cql: 'ORDER BY title' })).toThrow(/no condition/);
    expect(composeCql({ cql: 'ORDER BY title', terms: ['type = page'] })).toBe('type = page ORDER BY title');
  });

  it('re-quotes every string with one quoting function, whatever quotes the caller used', () => {
    expect(composeCql({ cql: `title ~ 'it\\'s "x"'` })).toBe(`title ~ ${cqlString(`it's "x"`)}`);
  });
});

describe('bounded queries', () => {
  it('are one parenthesised caller term ANDed with the bounds, ORDER BY last', () => {
    const bounds = spaceBoundsCql({ allow: ['ENG', 'PROD'], deny: ['HR'] });
    expect(bounds).toBe('(space in ("ENG", "PROD") AND space not in ("HR"))');
    expect(composeCql({ cql: 'title ~ a OR space = HR order by title', bounds })).toBe(
      '(title ~ a OR space = HR) AND (space in ("ENG", "PROD") AND space not in ("HR")) ORDER BY title',
    );
  });

  it('quote keys so a key cannot change the bounds term', () => {
    expect(spaceBoundsCql({ allow: [], deny: ['A") OR ("x'] })).toBe('space not in ("A\\") OR (\\"x")');
    expect(spaceBoundsCql({ allow: [], deny: [] })).toBeUndefined();
  });
});
