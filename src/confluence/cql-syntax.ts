/**
 * CQL read as a language: a tokenizer and a parser for the part of the Confluence Query Language callers write
 * (clauses joined by AND, OR, NOT and parentheses, `in` / `not in` lists, function values such as `now("-4w")`,
 * and a final ORDER BY). It is deliberately strict: whatever it cannot read with certainty it refuses with a
 * message naming the place, because a query it misread could change shape once combined with other terms.
 */

import type { KindedError } from '../error-kind.js';

/** A CQL query this module refuses; the message says what is wrong and where. */
export class CqlSyntaxError extends Error implements KindedError {
  override readonly name = 'CqlSyntaxError';
  readonly kind = 'invalid-query';
}

export type CqlOperator = '=' | '!=' | '~' | '!~' | '<' | '<=' | '>' | '>=';

type Token =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'op'; text: CqlOperator; at: number }
  | { kind: '(' | ')' | ','; at: number };

/** A value: a quoted string, a bare word (`ENG`, `2026-01-01`, `deploy*`) or a function call. */
export type CqlValue =
  | { type: 'string'; value: string }
  | { type: 'word'; text: string }
  | { type: 'call'; name: string; args: CqlValue[] };

/** A parsed condition. `group` keeps the caller's own parentheses. */
export type CqlExpr =
  | { type: 'and' | 'or'; left: CqlExpr; right: CqlExpr }
  | { type: 'not'; operand: CqlExpr }
  | { type: 'group'; inner: CqlExpr }
  | { type: 'clause'; field: string; op: CqlOperator; value: CqlValue }
  | { type: 'list'; field: string; negated: boolean; values: CqlValue[] };

/** A whole query: an optional condition and the ORDER BY keys after it. */
export interface CqlQuery {
  where: CqlExpr | undefined;
  orderBy: { field: string; direction?: 'asc' | 'desc' }[];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'order', 'by', 'asc', 'desc']);
const WORD = /^[\p{L}\p{N}_.\-:*@+/?]+/u;
const FIELD = /^[A-Za-z][A-Za-z0-9_.]*$/;
const MAX_DEPTH = 64;

function describe(t: Token | undefined): string {
  if (!t) return 'the end of the query';
  if (t.kind === 'string') return `the string "${t.value.slice(0, 40)}" at ${t.at + 1}`;
  if (t.kind === 'word' || t.kind === 'op') return `"${t.text}" at ${t.at + 1}`;
  return `"${t.kind}" at ${t.at + 1}`;
}

/** The tokens of a CQL query; throws CqlSyntaxError on an unterminated string or a character outside the language. */
export function tokenizeCql(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '"' || c === "'") {
      const at = i;
      let value = '';
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\') {
          i++;
          if (i >= source.length) break;
        }
        const ch = source[i] as string;
        const code = ch.charCodeAt(0);
        if ((code < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') || code === 0x7f) {
          throw new CqlSyntaxError(`control character in the string at ${at + 1}`);
        }
        value += ch;
        i++;
      }
      if (i >= source.length) throw new CqlSyntaxError(`unterminated string starting at ${at + 1}`);
      i++;
      tokens.push({ kind: 'string', value, at });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, at: i });
      i++;
    } else if ('=!~<>'.includes(c)) {
      const two = source.slice(i, i + 2);
      const text = (['!=', '!~', '<=', '>='].includes(two) ? two : c) as CqlOperator;
      if (text === ('!' as string)) throw new CqlSyntaxError(`"!" at ${i + 1} must be part of != or !~`);
      tokens.push({ kind: 'op', text, at: i });
      i += text.length;
    } else {
      const match = WORD.exec(source.slice(i));
      if (!match) {
        throw new CqlSyntaxError(
          `unexpected character ${JSON.stringify(c)} at ${i + 1}: outside quotes only letters, digits and . _ - : * @ + / ? may appear; quote other text`,
        );
      }
      tokens.push({ kind: 'word', text: match[0], at: i });
      i += match[0].length;
    }
  }
  return tokens;
}

class Parser {
  #pos = 0;
  #depth = 0;
  constructor(private readonly tokens: Token[]) {}

  #peek(offset = 0): Token | undefined {
    return this.tokens[this.#pos + offset];
  }

  #keyword(word: string, offset = 0): boolean {
    const t = this.#peek(offset);
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  #expect(kind: '(' | ')', context: string): void {
    const t = this.#peek();
    if (t?.kind !== kind) throw new CqlSyntaxError(`expected "${kind}" ${context}, found ${describe(t)}`);
    this.#pos++;
  }

  query(): CqlQuery {
    if (!this.tokens.length) throw new CqlSyntaxError('the query is empty');
    const where = this.#keyword('order') ? undefined : this.#or();
    const orderBy: CqlQuery['orderBy'] = [];
    if (this.#keyword('order')) {
      if (!this.#keyword('by', 1)) throw new CqlSyntaxError(`expected "by" after ${describe(this.#peek())}`);
      this.#pos += 2;
      do {
        if (orderBy.length) this.#pos++;
        const field = this.#peek();
        if (field?.kind !== 'word' || !FIELD.test(field.text) || KEYWORDS.has(field.text.toLowerCase())) {
          throw new CqlSyntaxError(`expected a field to order by, found ${describe(field)}`);
        }
        this.#pos++;
        const direction = this.#keyword('asc') ? 'asc' : this.#keyword('desc') ? 'desc' : undefined;
        if (direction) this.#pos++;
        orderBy.push({ field: field.text, ...(direction ? { direction } : {}) });
      } while (this.#peek()?.kind === ',');
    }
    const rest = this.#peek();
    if (rest) {
      const hint =
        rest.kind === ')' ? ' (unbalanced parentheses)' : orderBy.length ? ' (ORDER BY must come last)' : '';
      throw new CqlSyntaxError(`expected AND, OR, ORDER BY or the end, found ${describe(rest)}${hint}`);
    }
    return { where, orderBy };
  }

  #or(): CqlExpr {
    let left = this.#and();
    while (this.#keyword('or')) {
      this.#pos++;
      left = { type: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): CqlExpr {
    let left = this.#unary();
    while (this.#keyword('and')) {
      this.#pos++;
      left = { type: 'and', left, right: this.#unary() };
    }
    return left;
  }

  #unary(): CqlExpr {
    if (++this.#depth > MAX_DEPTH) throw new CqlSyntaxError(`nested deeper than ${MAX_DEPTH} levels`);
    try {
      if (this.#keyword('not')) {
        this.#pos++;
        return { type: 'not', operand: this.#unary() };
      }
      const t = this.#peek();
      if (t?.kind === '(') {
        this.#pos++;
        const inner = this.#or();
        const close = this.#peek();
        if (close?.kind !== ')') {
          throw new CqlSyntaxError(
            `unbalanced parentheses: "(" at ${t.at + 1} is not closed (found ${describe(close)})`,
          );
        }
        this.#pos++;
        return { type: 'group', inner };
      }
      return this.#clause();
    } finally {
      this.#depth--;
    }
  }

  #clause(): CqlExpr {
    const t = this.#peek();
    if (t?.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) {
      const hint = t?.kind === ')' ? ' (unbalanced parentheses)' : '';
      throw new CqlSyntaxError(`expected a condition such as title ~ "x", found ${describe(t)}${hint}`);
    }
    if (!FIELD.test(t.text)) throw new CqlSyntaxError(`"${t.text}" at ${t.at + 1} is not a field name`);
    this.#pos++;
    const field = t.text;
    const negated = this.#keyword('not') && this.#keyword('in', 1);
    if (negated || this.#keyword('in')) {
      this.#pos += negated ? 2 : 1;
      this.#expect('(', `after ${negated ? 'not in' : 'in'}`);
      const values = [this.#value()];
      while (this.#peek()?.kind === ',') {
        this.#pos++;
        values.push(this.#value());
      }
      this.#expect(')', 'to close the list');
      return { type: 'list', field, negated, values };
    }
    const op = this.#peek();
    if (op?.kind !== 'op') {
      throw new CqlSyntaxError(
        `expected an operator (=, !=, ~, !~, <, >, in, not in) after ${field}, found ${describe(op)}`,
      );
    }
    this.#pos++;
    return { type: 'clause', field, op: op.text, value: this.#value() };
  }

  #value(): CqlValue {
    const t = this.#peek();
    if (t?.kind === 'string') {
      this.#pos++;
      return { type: 'string', value: t.value };
    }
    if (t?.kind !== 'word') throw new CqlSyntaxError(`expected a value, found ${describe(t)}`);
    if (KEYWORDS.has(t.text.toLowerCase())) {
      throw new CqlSyntaxError(
        `${describe(t)} is a keyword, not a value: quote it ("${t.text}") to search for it`,
      );
    }
    this.#pos++;
    if (this.#peek()?.kind !== '(') return { type: 'word', text: t.text };
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(t.text))
      throw new CqlSyntaxError(`"${t.text}" is not a function name`);
    this.#pos++;
    const args: CqlValue[] = [];
    if (this.#peek()?.kind !== ')') {
      args.push(this.#value());
      while (this.#peek()?.kind === ',') {
        this.#pos++;
        args.push(this.#value());
      }
    }
    this.#expect(')', `to close ${t.text}(`);
    return { type: 'call', name: t.text, args };
  }
}

/** Parses a CQL query; throws CqlSyntaxError, naming the place, for anything unbalanced, dangling or unknown. */
export function parseCqlQuery(source: string): CqlQuery {
  return new Parser(tokenizeCql(source)).query();
}
