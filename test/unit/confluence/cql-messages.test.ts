import { describe, expect, it } from 'vitest';
import {
  CqlSyntaxError,
  composeCql,
  parseCqlQuery,
  spaceBoundsCql,
  tokenizeCql,
} from '../../../src/confluence/cql.js';

/**
 * The parser's refusals are read by a model that must fix its own query, so the whole message is the promise:
 * what was found, at which 1-based column, and what would have been accepted there. These tests pin the exact
 * words; cql.test.ts checks the shapes refused and accepted.
 */
const refusal = (cql: string): CqlSyntaxError => {
  try {
    parseCqlQuery(cql);
  } catch (error) {
    expect(error).toBeInstanceOf(CqlSyntaxError);
    return error as CqlSyntaxError;
  }
  throw new Error(`accepted ${cql}`);
};

describe('CQL refusals, word for word', () => {
  it('are CqlSyntaxErrors by name and kind, so a tool can tell the caller the query is at fault', () => {
    const error = refusal('title ~');
    expect(error.name).toBe('CqlSyntaxError');
    expect(error.kind).toBe('invalid-query');
    expect(String(error)).toBe('CqlSyntaxError: expected a value, found the end of the query');
  });

  it.each([
    // Each kind of token is described by its own text and its 1-based column.
    ['"space" = HR', 'expected a condition such as title ~ "x", found the string "space" at 1'],
    ['= HR', 'expected a condition such as title ~ "x", found "=" at 1'],
    ['title ~ a AND', 'expected a condition such as title ~ "x", found the end of the query'],
    ['title ~ a AND or', 'expected a condition such as title ~ "x", found "or" at 15'],
    ['title ~ a)', 'expected AND, OR, ORDER BY or the end, found ")" at 10 (unbalanced parentheses)'],
    ['title ~ a NOT space = HR', 'expected AND, OR, ORDER BY or the end, found "NOT" at 11'],
    [
      'title ~ a ORDER BY title OR space = HR',
      'expected AND, OR, ORDER BY or the end, found "OR" at 26 (ORDER BY must come last)',
    ],
    ['title ~ a ORDER BY desc', 'expected a field to order by, found "desc" at 20'],
    ['title ~ a order by title, ASC', 'expected a field to order by, found "ASC" at 27'],
    ['sp-ace = HR', '"sp-ace" at 1 is not a field name'],
    ['title not ~ a', 'expected an operator (=, !=, ~, !~, <, >, in, not in) after title, found "not" at 7'],
    ['space not in ENG', 'expected "(" after not in, found "ENG" at 14'],
    ['space in "ENG"', 'expected "(" after in, found the string "ENG" at 10'],
    ['space in (ENG, HR', 'expected ")" to close the list, found the end of the query'],
    ['lastmodified > now("-4w"', 'expected ")" to close now(, found the end of the query'],
    ['lastmodified > now("-4w", "x" AND', 'expected ")" to close now(, found "AND" at 31'],
    ['created > 9x("-4w")', '"9x" is not a function name'],
    ['created > now-1("-4w")', '"now-1" is not a function name'],
    ['title = and', '"and" at 9 is a keyword, not a value: quote it ("and") to search for it'],
    ['title ~ "a\u0000b"', 'control character in the string at 9'],
    ['title ~ "a\u007fb"', 'control character in the string at 9'],
  ])('%j', (cql, message) => {
    expect(refusal(cql).message).toBe(message);
  });

  it('quotes at most 40 characters of a string it names, so a long value cannot flood the message', () => {
    const long = 'x'.repeat(41);
    expect(refusal(`"${long}" = HR`).message).toBe(
      `expected a condition such as title ~ "x", found the string "${'x'.repeat(40)}" at 1`,
    );
  });
});

describe('what the CQL parser reads', () => {
  it('takes tab, newline and carriage return as spaces between tokens', () => {
    expect(parseCqlQuery('title\t~\ta\r\nAND\nspace = HR\rORDER BY\ttitle')).toEqual(
      parseCqlQuery('title ~ a AND space = HR ORDER BY title'),
    );
  });

  it('keeps tab, newline and carriage return inside a string, which are text and not control characters', () => {
    expect(tokenizeCql('"a\tb\nc\rd"')).toEqual([{ kind: 'string', value: 'a\tb\nc\rd', at: 0 }]);
  });

  it('builds clauses, lists and calls with every argument, in the caller’s order', () => {
    expect(parseCqlQuery('lastmodified > between("-4w", now, f()) AND space not in (ENG, "HR")')).toEqual({
      where: {
        type: 'and',
        left: {
          type: 'clause',
          field: 'lastmodified',
          op: '>',
          value: {
            type: 'call',
            name: 'between',
            args: [
              { type: 'string', value: '-4w' },
              { type: 'word', text: 'now' },
              { type: 'call', name: 'f', args: [] },
            ],
          },
        },
        right: {
          type: 'list',
          field: 'space',
          negated: true,
          values: [
            { type: 'word', text: 'ENG' },
            { type: 'string', value: 'HR' },
          ],
        },
      },
      orderBy: [],
    });
  });

  it('writes a call with several arguments back with all of them', () => {
    expect(composeCql({ cql: 'lastmodified > between("-4w",now)' })).toBe(
      'lastmodified > between("-4w", now)',
    );
  });

  it('limits nesting, not length: 64 levels pass, 65 do not, and any number of siblings pass', () => {
    const nested = (n: number) => `${'('.repeat(n)}title ~ a${')'.repeat(n)}`;
    expect(parseCqlQuery(nested(63)).where).toBeDefined();
    expect(refusal(nested(64)).message).toBe('nested deeper than 64 levels');
    expect(parseCqlQuery(`${'NOT '.repeat(63)}title ~ a`).where).toBeDefined();
    expect(refusal(`${'NOT '.repeat(64)}title ~ a`).message).toBe('nested deeper than 64 levels');
    const siblings = Array.from({ length: 200 }, (_, i) => `(label = l${i})`).join(' AND ');
    expect(parseCqlQuery(siblings).where).toBeDefined();
  });
});

describe('space bounds', () => {
  it('list several denied keys apart, each quoted', () => {
    expect(spaceBoundsCql({ allow: [], deny: ['HR', 'LEGAL'] })).toBe('space not in ("HR", "LEGAL")');
  });
});

describe('CQL written to escape the bounds', () => {
  const bounds = 'space not in ("HR")';
  it.each([
    // A quote escaped inside a string stays text; the bounds still close the query.
    [
      String.raw`title ~ "a\") OR (space = HR"`,
      String.raw`(title ~ "a\") OR (space = HR") AND space not in ("HR")`,
    ],
    // Keywords in any case are keywords: ORDER BY still goes last and the OR stays inside the caller's term.
    [
      'title ~ a oR space = HR oRdEr bY title DeSc',
      '(title ~ a OR space = HR) AND space not in ("HR") ORDER BY title desc',
    ],
    // Letters outside ASCII are word characters, written back as they came.
    ['title ~ café', '(title ~ café) AND space not in ("HR")'],
  ])('%j stays inside its parentheses', (cql, composed) => {
    expect(composeCql({ cql, bounds })).toBe(composed);
  });

  it.each([
    ['title ~ a /* OR space = HR */', 'expected AND, OR, ORDER BY or the end, found "/*" at 11'],
    ['title ~ a -- OR space = HR', 'expected AND, OR, ORDER BY or the end, found "--" at 11'],
    [
      'title ~ a ORDER BY title) OR (space = HR',
      'expected AND, OR, ORDER BY or the end, found ")" at 25 (unbalanced parentheses)',
    ],
  ])('%j is refused: CQL has no comments, and nothing follows ORDER BY', (cql, message) => {
    expect(() => composeCql({ cql, bounds })).toThrow(message);
    expect(refusal(cql).message).toBe(message);
  });
});
