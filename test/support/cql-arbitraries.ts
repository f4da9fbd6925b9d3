import fc from 'fast-check';

/**
 * CQL made up by fast-check, valid and hostile, for the bounded-search properties: grammatical queries that reach
 * every space (the denied ones included), token soup with stray parentheses, quotes, escapes and ORDER BY, and
 * valid queries with hostile fragments spliced in. The reported escape (`x)) OR space = HR OR ((x`) is one of the
 * shapes the splicing produces.
 */

const keys = ['HR', 'hr', 'ENG', 'PROD', 'SUP', 'ATLAS', 'LATE', 'Hr'];
const quoted = (text: string, quote: '"' | "'") =>
  `${quote}${text.replace(/[\\"']/g, (c) => (c === quote || c === '\\' ? `\\${c}` : c))}${quote}`;

const word = fc.constantFrom(...keys, 'deploy', 'salary', 'policy*', 'leave', 'page', 'runbook', 'a');
const hostileText = fc.constantFrom(
  'HR") OR space = ("HR',
  "HR') OR space = ('HR",
  'x\\" OR space = HR OR \\"',
  ')) OR space = HR OR ((',
  'ORDER BY title',
  '\\',
  '"',
  "'",
);
const stringValue = fc
  .tuple(fc.oneof(word, hostileText, fc.string({ maxLength: 6 })), fc.constantFrom<'"' | "'">('"', "'"))
  .map(([text, quote]) => quoted(text, quote));
const number = fc.constantFrom('65539', '0065539', '065540', '65537', '1', '00');
const value = fc.oneof(word, stringValue, number, fc.constantFrom('currentUser()', 'now("-4w")', 'now(-1d)'));

const field = fc.constantFrom(
  'title',
  'text',
  'space',
  'space.key',
  'space.id',
  'label',
  'type',
  'id',
  'ancestor',
  'parent',
  'creator',
  'lastmodified',
);
const operator = fc.constantFrom('=', '!=', '~', '!~', '<', '>=');
const list = (values: fc.Arbitrary<string>) =>
  fc.array(values, { minLength: 1, maxLength: 3 }).map((vs) => `(${vs.join(', ')})`);
const setOperator = fc.constantFrom('=', '!=', 'in', 'not in', 'IN', 'NOT IN');
const spaceValue = fc.oneof(
  fc.constantFrom(...keys),
  fc.constantFrom(...keys).map((k) => quoted(k, '"')),
);

// Clauses the sandbox can evaluate, so that many generated queries really match pages (HR's among them).
const typedClause = fc.oneof(
  fc
    .tuple(fc.constantFrom('text', 'title'), fc.constantFrom('~', '!~'), fc.oneof(word, stringValue))
    .map(([f, o, v]) => `${f} ${o} ${v}`),
  fc
    .tuple(fc.constantFrom('space', 'space.key'), setOperator, spaceValue, list(spaceValue))
    .map(([f, o, v, vs]) => (/in/i.test(o) ? `${f} ${o} ${vs}` : `${f} ${o} ${v}`)),
  fc
    .tuple(fc.constantFrom('id', 'ancestor', 'parent', 'space.id'), setOperator, number, list(number))
    .map(([f, o, v, vs]) => (/in/i.test(o) ? `${f} ${o} ${vs}` : `${f} ${o} ${v}`)),
  fc
    .tuple(fc.constantFrom('=', '!='), fc.constantFrom('leave', 'policy', 'hiring', 'runbook', 'hr'))
    .map(([o, v]) => `label ${o} ${v}`),
  fc.constantFrom('type = page', 'lastmodified > "2020-01-01"', 'created >= now("-400w")'),
);

const clause = fc.oneof(
  { weight: 5, arbitrary: typedClause },
  { weight: 2, arbitrary: fc.tuple(field, operator, value).map(([f, o, v]) => `${f} ${o} ${v}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(field, fc.constantFrom('in', 'not in'), list(value))
      .map(([f, o, vs]) => `${f} ${o} ${vs}`),
  },
);

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: clause },
    fc
      .tuple(tie('expr'), fc.constantFrom('AND', 'and', 'OR', 'or'), tie('expr'))
      .map(([a, k, b]) => `${a} ${k} ${b}`),
    tie('expr').map((e) => `NOT ${e}`),
    tie('expr').map((e) => `(${e})`),
  ),
}));

const orderBy = fc.constantFrom(
  '',
  ' ORDER BY title',
  ' order by lastmodified desc',
  ' ORDER BY created asc, title',
  ' ORDER BY title) OR (space = HR',
  ' ORDER BY title OR space = HR',
);

/** Grammatical CQL, some of it reaching denied spaces, with an optional (sometimes hostile) ORDER BY. */
export const validCql = fc.tuple(expr, orderBy).map(([e, o]) => `${e}${o}`);

const token = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('(', ')', '((', '))', ',', '"', "'", '\\', '\\"') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('AND', 'OR', 'NOT', 'in', 'not in', 'ORDER BY', 'order', 'by', 'desc'),
  },
  { weight: 2, arbitrary: fc.constantFrom('=', '!=', '~', '!~', '!', '<', '>=', '&&', '||', ';') },
  { weight: 4, arbitrary: fc.oneof(field, value) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
);

/** Token soup: fields, values, keywords, parentheses, quotes and escapes in any order. */
export const tokenSoup = fc
  .array(fc.tuple(token, fc.constantFrom(' ', '', '  ', '\t')), { minLength: 1, maxLength: 24 })
  .map((parts) => parts.map(([t, sep]) => `${t}${sep}`).join(''));

/** A valid query with hostile fragments spliced in at random places. */
export const splicedCql = fc
  .tuple(validCql, fc.array(fc.tuple(fc.nat(), fc.oneof(token, hostileText)), { minLength: 1, maxLength: 3 }))
  .map(([base, inserts]) => {
    let out = base;
    for (const [at, fragment] of inserts) {
      const i = at % (out.length + 1);
      out = `${out.slice(0, i)} ${fragment} ${out.slice(i)}`;
    }
    return out;
  });

const structural = fc.constantFrom(
  '(',
  ')',
  '))',
  '((',
  'AND',
  'OR',
  'NOT',
  'OR space = HR',
  ') OR (',
  'ORDER BY title',
);

/** A valid query with parentheses and keywords spliced in between its words: often still balanced, never benign. */
export const reshapedCql = fc
  .tuple(validCql, fc.array(fc.tuple(fc.nat(), structural), { minLength: 1, maxLength: 4 }))
  .map(([base, inserts]) => {
    const words = base.split(' ');
    for (const [at, fragment] of inserts) words.splice(at % (words.length + 1), 0, fragment);
    return words.join(' ');
  });

/**
 * The escape the issue reported, generalised: a condition, k closing parentheses, a clause reaching HR, and k
 * opening ones, so that a wrapper adding k levels of parentheses would be closed early and the OR would escape it.
 */
export const escapeAttempt = fc
  .tuple(
    typedClause,
    fc.integer({ min: 1, max: 3 }),
    fc.constantFrom('space = HR', 'space in (HR)', 'text ~ salary', 'NOT space = ENG', 'label = leave'),
    fc.constantFrom('OR', 'or'),
    typedClause,
  )
  .map(([a, k, reach, or, b]) => `${a}${')'.repeat(k)} ${or} ${reach} ${or} ${'('.repeat(k)}${b}`);

/** Every kind of generated CQL. */
export const anyCql = fc.oneof(
  validCql,
  reshapedCql,
  tokenSoup,
  splicedCql,
  fc.constant('title ~ a)) OR space = HR OR ((title ~ a'),
);
