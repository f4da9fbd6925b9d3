import { canonicalId } from '../confluence/index.js';
import type { SandboxPage, SandboxUser } from './model.js';

/**
 * A useful subset of CQL: clauses `field op value` joined by AND, OR, NOT and parentheses, with `=`, `!=`, `~`,
 * `!~`, `<`, `>`, `<=`, `>=`, `in`, `not in`, and an optional `order by`. Enough for what clients send; anything
 * else is a parse error, as Confluence would answer.
 */

type Token = { kind: 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma'; text: string };

export class CqlError extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        value += source[i];
        i++;
      }
      if (i >= source.length) throw new CqlError('unterminated string');
      i++;
      tokens.push({ kind: 'string', text: value });
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', text: c });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', text: c });
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma', text: c });
      i++;
    } else if (/[=!~<>]/.test(c)) {
      const two = source.slice(i, i + 2);
      const op = ['!=', '!~', '<=', '>='].includes(two) ? two : c;
      if (op === '!') throw new CqlError('unexpected "!"');
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      const match = /^[^\s()=!~<>,"']+/.exec(source.slice(i));
      if (!match) throw new CqlError(`unexpected "${c}"`);
      tokens.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

type Value = { type: 'literal'; text: string } | { type: 'function'; name: string; args: string[] };

export type CqlNode =
  | { type: 'and' | 'or'; left: CqlNode; right: CqlNode }
  | { type: 'not'; node: CqlNode }
  | { type: 'clause'; field: string; op: string; values: Value[] };

class CqlParser {
  #pos = 0;
  constructor(private readonly tokens: Token[]) {}

  #peek(): Token | undefined {
    return this.tokens[this.#pos];
  }

  #isWord(text: string, offset = 0): boolean {
    const t = this.tokens[this.#pos + offset];
    return t?.kind === 'word' && t.text.toLowerCase() === text;
  }

  #next(): Token {
    const t = this.tokens[this.#pos++];
    if (!t) throw new CqlError('unexpected end of query');
    return t;
  }

  parse(): { root: CqlNode; order: { field: string; desc: boolean }[] } {
    const root = this.#or();
    const order: { field: string; desc: boolean }[] = [];
    if (this.#isWord('order') && this.#isWord('by', 1)) {
      this.#pos += 2;
      do {
        if (this.#peek()?.kind === 'comma') this.#pos++;
        const field = this.#next().text.toLowerCase();
        let desc = false;
        if (this.#isWord('desc') || this.#isWord('asc')) desc = this.#next().text.toLowerCase() === 'desc';
        order.push({ field, desc });
      } while (this.#peek()?.kind === 'comma');
    }
    if (this.#peek()) throw new CqlError(`unexpected "${this.#peek()?.text}"`);
    return { root, order };
  }

  #or(): CqlNode {
    let left = this.#and();
    while (this.#isWord('or')) {
      this.#pos++;
      left = { type: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): CqlNode {
    let left = this.#not();
    while (this.#isWord('and')) {
      this.#pos++;
      left = { type: 'and', left, right: this.#not() };
    }
    return left;
  }

  #not(): CqlNode {
    if (this.#isWord('not')) {
      this.#pos++;
      return { type: 'not', node: this.#not() };
    }
    if (this.#peek()?.kind === 'lparen') {
      this.#pos++;
      const inner = this.#or();
      if (this.#next().kind !== 'rparen') throw new CqlError('expected ")"');
      return inner;
    }
    return this.#clause();
  }

  #clause(): CqlNode {
    const fieldToken = this.#next();
    if (fieldToken.kind !== 'word') throw new CqlError(`expected a field, found "${fieldToken.text}"`);
    const field = fieldToken.text.toLowerCase();
    let op: string;
    if (this.#isWord('in')) {
      this.#pos++;
      op = 'in';
    } else if (this.#isWord('not') && this.#isWord('in', 1)) {
      this.#pos += 2;
      op = 'not in';
    } else {
      const t = this.#next();
      if (t.kind !== 'op') throw new CqlError(`expected an operator after ${field}`);
      op = t.text;
    }
    if (op === 'in' || op === 'not in') {
      if (this.#next().kind !== 'lparen') throw new CqlError(`expected "(" after ${op}`);
      const values: Value[] = [this.#value()];
      while (this.#peek()?.kind === 'comma') {
        this.#pos++;
        values.push(this.#value());
      }
      if (this.#next().kind !== 'rparen') throw new CqlError('expected ")"');
      return { type: 'clause', field, op, values };
    }
    return { type: 'clause', field, op, values: [this.#value()] };
  }

  #value(): Value {
    const t = this.#next();
    if (t.kind === 'string') return { type: 'literal', text: t.text };
    if (t.kind !== 'word') throw new CqlError(`expected a value, found "${t.text}"`);
    if (this.#peek()?.kind === 'lparen') {
      this.#pos++;
      const args: string[] = [];
      while (this.#peek() && this.#peek()?.kind !== 'rparen') {
        const a = this.#next();
        if (a.kind !== 'comma') args.push(a.text);
      }
      this.#next();
      return { type: 'function', name: t.text.toLowerCase(), args };
    }
    return { type: 'literal', text: t.text };
  }
}

/** What a content clause can look at. */
export interface ContentFacts {
  page: SandboxPage;
  title: string;
  text: string;
  spaceKey: string;
  ancestors: string[];
  modified: string;
  currentUser: string;
  now: number;
}

function terms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}*]+/u)
    .filter(Boolean);
}

/** Whether every term of the query appears in the text as a word (`abc*` as a prefix). */
export function textMatches(haystack: string, query: string): boolean {
  const words = new Set(terms(haystack));
  const wanted = terms(query);
  if (!wanted.length) return false;
  return wanted.every((w) =>
    w.endsWith('*') ? [...words].some((x) => x.startsWith(w.slice(0, -1))) : words.has(w.replace(/\*/g, '')),
  );
}

function literal(v: Value, facts: { currentUser: string; now: number }): string {
  if (v.type === 'literal') return v.text;
  if (v.name === 'currentuser') return facts.currentUser;
  if (v.name === 'now') {
    const m = /^"?([+-]?)(\d+)([dwmyh])"?$/.exec(v.args[0] ?? '0d');
    const unit =
      { h: 3600e3, d: 86400e3, w: 7 * 86400e3, m: 30 * 86400e3, y: 365 * 86400e3 }[m?.[3] ?? 'd'] ?? 0;
    const delta = (m?.[1] === '-' ? -1 : 1) * Number(m?.[2] ?? 0) * unit;
    return new Date(facts.now + delta).toISOString();
  }
  throw new CqlError(`unknown function ${v.name}()`);
}

function compare(actual: string, op: string, expected: string): boolean {
  switch (op) {
    case '=':
      return actual.toLowerCase() === expected.toLowerCase();
    case '!=':
      return actual.toLowerCase() !== expected.toLowerCase();
    case '<':
      return actual < expected;
    case '>':
      return actual > expected;
    case '<=':
      return actual <= expected;
    case '>=':
      return actual >= expected;
    default:
      throw new CqlError(`operator ${op} is not supported here`);
  }
}

function contentClause(node: Extract<CqlNode, { type: 'clause' }>, facts: ContentFacts): boolean {
  const values = node.values.map((v) => literal(v, facts));
  const one = values[0] ?? '';
  const anyEq = (actual: string[]) =>
    values.some((v) => actual.some((a) => a.toLowerCase() === v.toLowerCase()));
  // Ids are integers to Confluence: `id = 065540` is page 65540.
  const idOp = (actual: string[]): boolean => {
    const wanted = values.map((v) => canonicalId(v) ?? v);
    const hit = wanted.some((v) => actual.includes(v));
    if (node.op === 'in' || node.op === '=') return hit;
    if (node.op === 'not in' || node.op === '!=') return !hit;
    throw new CqlError(`operator ${node.op} is not supported for ${node.field}`);
  };
  const setOp = (actual: string[]): boolean => {
    if (node.op === 'in' || node.op === '=') return anyEq(actual);
    if (node.op === 'not in' || node.op === '!=') return !anyEq(actual);
    throw new CqlError(`operator ${node.op} is not supported for ${node.field}`);
  };
  switch (node.field) {
    case 'text':
    case 'title': {
      const hay = node.field === 'text' ? `${facts.title} ${facts.text}` : facts.title;
      if (node.op === '~') return textMatches(hay, one);
      if (node.op === '!~') return !textMatches(hay, one);
      if (node.field === 'title') return setOp([facts.title]);
      throw new CqlError('text supports only ~ and !~');
    }
    case 'space':
    case 'space.key':
      return setOp([facts.spaceKey]);
    case 'space.id':
      return idOp([facts.page.spaceId]);
    case 'label':
      return setOp([...facts.page.labels]);
    case 'type':
      return setOp(['page']);
    case 'id':
    case 'content':
      return idOp([facts.page.id]);
    case 'parent':
      return idOp(facts.page.parentId ? [facts.page.parentId] : []);
    case 'ancestor':
      return idOp(facts.ancestors);
    case 'creator':
      return setOp([facts.page.authorId]);
    case 'contributor':
      return setOp([...new Set(facts.page.versions.map((v) => v.authorId))]);
    case 'created':
    case 'lastmodified': {
      const actual = node.field === 'created' ? facts.page.createdAt : facts.modified;
      const expected = /^\d{4}-\d{2}-\d{2}$/.test(one) ? `${one}T00:00:00.000Z` : one;
      return compare(actual, node.op, expected);
    }
    default:
      throw new CqlError(`field "${node.field}" is not supported by the sandbox`);
  }
}

function userClause(node: Extract<CqlNode, { type: 'clause' }>, user: SandboxUser): boolean {
  const values = node.values.map((v) => (v.type === 'literal' ? v.text : ''));
  const one = values[0] ?? '';
  switch (node.field) {
    case 'user':
    case 'user.fullname':
      if (node.op === '~') return textMatches(`${user.displayName} ${user.publicName}`, one);
      if (node.op === '=') return values.some((v) => v === user.accountId || v === user.displayName);
      throw new CqlError(`operator ${node.op} is not supported for ${node.field}`);
    case 'user.accountid':
      if (node.op === '=' || node.op === 'in') return values.includes(user.accountId);
      throw new CqlError(`operator ${node.op} is not supported for ${node.field}`);
    default:
      throw new CqlError(`field "${node.field}" is not supported in user search`);
  }
}

function evaluate(node: CqlNode, clause: (c: Extract<CqlNode, { type: 'clause' }>) => boolean): boolean {
  switch (node.type) {
    case 'and':
      return evaluate(node.left, clause) && evaluate(node.right, clause);
    case 'or':
      return evaluate(node.left, clause) || evaluate(node.right, clause);
    case 'not':
      return !evaluate(node.node, clause);
    default:
      return clause(node);
  }
}

/** A parsed query. Parsing throws CqlError on anything outside the subset. */
export function parseCql(source: string) {
  const { root, order } = new CqlParser(tokenize(source)).parse();
  return {
    /** The condition as parsed (AND binding tighter than OR), for tests that inspect a query's shape. */
    root,
    order,
    /** Whether content matches; throws CqlError for fields the sandbox does not know. */
    matchesContent: (facts: ContentFacts) => evaluate(root, (c) => contentClause(c, facts)),
    userPredicate: () => (user: SandboxUser) => evaluate(root, (c) => userClause(c, user)),
    /** The words a text or title clause looks for, for excerpts. */
    searchTerms: (): string[] => {
      const out: string[] = [];
      const walk = (n: CqlNode) => {
        if (n.type === 'and' || n.type === 'or') {
          walk(n.left);
          walk(n.right);
        } else if (n.type === 'clause' && (n.field === 'text' || n.field === 'title') && n.op === '~') {
          for (const v of n.values)
            if (v.type === 'literal') out.push(...terms(v.text).map((t) => t.replace(/\*/g, '')));
        }
      };
      walk(root);
      return out;
    },
  };
}
