import { type CqlExpr, type CqlQuery, CqlSyntaxError, type CqlValue, parseCqlQuery } from './cql-syntax.js';

export {
  type CqlExpr,
  type CqlOperator,
  type CqlQuery,
  CqlSyntaxError,
  type CqlValue,
  parseCqlQuery,
  tokenizeCql,
} from './cql-syntax.js';

/** A CQL string literal holding `value` exactly: quotes and backslashes escaped, nothing else interpreted. */
export function cqlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function formatValue(value: CqlValue): string {
  if (value.type === 'string') return cqlString(value.value);
  if (value.type === 'word') return value.text;
  return `${value.name}(${value.args.map(formatValue).join(', ')})`;
}

/**
 * A parsed condition written back as CQL. Strings are re-quoted by cqlString whatever quotes the caller used, and
 * parentheses stand exactly where the caller put them, so the text parses back to the same tree.
 */
export function formatCqlExpr(expr: CqlExpr): string {
  switch (expr.type) {
    case 'and':
    case 'or':
      return `${formatCqlExpr(expr.left)} ${expr.type.toUpperCase()} ${formatCqlExpr(expr.right)}`;
    case 'not':
      return `NOT ${formatCqlExpr(expr.operand)}`;
    case 'group':
      return `(${formatCqlExpr(expr.inner)})`;
    case 'list':
      return `${expr.field} ${expr.negated ? 'not in' : 'in'} (${expr.values.map(formatValue).join(', ')})`;
    default:
      return `${expr.field} ${expr.op} ${formatValue(expr.value)}`;
  }
}

function formatOrderBy(orderBy: CqlQuery['orderBy']): string {
  if (!orderBy.length) return '';
  return ` ORDER BY ${orderBy.map((o) => (o.direction ? `${o.field} ${o.direction}` : o.field)).join(', ')}`;
}

/** The operator's space bounds by key. */
export interface CqlSpaceBounds {
  allow: readonly string[];
  deny: readonly string[];
}

/** The space bounds as one CQL term (`space not in ("HR")`, parenthesised when two), or undefined when unbounded. */
export function spaceBoundsCql(bounds: CqlSpaceBounds): string | undefined {
  const parts: string[] = [];
  if (bounds.allow.length) parts.push(`space in (${bounds.allow.map(cqlString).join(', ')})`);
  if (bounds.deny.length) parts.push(`space not in (${bounds.deny.map(cqlString).join(', ')})`);
  if (parts.length === 2) return `(${parts.join(' AND ')})`;
  return parts[0];
}

/** What a query is made of: the caller's CQL, conditions this server built, and the operator's bounds. */
export interface CqlParts {
  /** The caller's CQL: parsed, refused when malformed, and written back canonically. */
  cql?: string | undefined;
  /** Conditions built by this server from quoted values (e.g. `text ~ "deploy"`); joined with AND. */
  terms?: readonly string[];
  /** A term every result must satisfy, e.g. spaceBoundsCql's; ANDed outside everything else. */
  bounds?: string | undefined;
}

/**
 * One CQL query: `(<caller's condition> AND <terms>) AND <bounds> ORDER BY ...`. The caller's CQL is parsed first,
 * so unbalanced parentheses, an unterminated string, a dangling operator or an ORDER BY that is not last are
 * refused (CqlSyntaxError) rather than allowed to change the shape of the combined query; ORDER BY stays last.
 */
export function composeCql(parts: CqlParts): string {
  const parsed: CqlQuery =
    parts.cql !== undefined ? parseCqlQuery(parts.cql) : { where: undefined, orderBy: [] };
  const terms = [...(parts.terms ?? [])];
  const conditions: string[] = [];
  if (parsed.where) {
    const own = formatCqlExpr(parsed.where);
    conditions.push(terms.length ? `(${own})` : own);
  }
  conditions.push(...terms);
  let condition = conditions.join(' AND ');
  if (parts.bounds) condition = condition ? `(${condition}) AND ${parts.bounds}` : parts.bounds;
  if (!condition) throw new CqlSyntaxError('the query has no condition: give one before ORDER BY');
  return `${condition}${formatOrderBy(parsed.orderBy)}`;
}
