/**
 * Validates recorded HTTP exchanges (request and response) against the Confluence specs.
 */
import { type ContractSpecs, deref, isObject, type JsonObject } from './openapi-load.js';
import { fullPath, lookupRoute, type OperationMatch } from './openapi-match.js';
import { compileChecker } from './openapi-schema.js';

export interface Exchange {
  /** GET, POST, ... (any case). */
  method: string;
  /** The URL as sent (absolute; a relative `/wiki/...` URL is accepted too). */
  url: string;
  /** Only checked when given: required header parameters and the request Content-Type. */
  requestHeaders?: Record<string, string>;
  /** Parsed JSON body; undefined when no body was sent. */
  requestBody?: unknown;
  status: number;
  /** Only checked when given: the response Content-Type. */
  responseHeaders?: Record<string, string>;
  /** Parsed JSON body; undefined when there was none. */
  responseBody?: unknown;
}

export interface Violation {
  /** "GET /wiki/api/v2/pages/{id}": the operation, or the method and path when none matched. */
  exchange: string;
  where: 'path' | 'query' | 'header' | 'body' | 'response' | 'operation';
  message: string;
}

export interface ValidateOptions {
  /** Report properties the spec does not declare, in request and response bodies. Default true. */
  strict?: boolean;
}

const BASE = 'http://relative.invalid';

interface Resolved {
  match: OperationMatch;
  violations: Violation[];
}

function resolveOperation(specs: ContractSpecs, exchange: Exchange): Resolved | Violation {
  const method = exchange.method.toUpperCase();
  const found = lookupRoute(specs, method, exchange.url);
  if (found.match) return { match: found.match, violations: [] };
  let pathname: string;
  try {
    pathname = new URL(exchange.url, BASE).pathname;
  } catch {
    pathname = exchange.url;
  }
  if (!found.apiPath) {
    return {
      exchange: `${method} ${pathname}`,
      where: 'operation',
      message:
        `${exchange.url} is not a Confluence API URL: expected {origin}/wiki/api/v2/..., {origin}/wiki/rest/..., ` +
        'or the gateway form {origin}/ex/confluence/{cloudId}/wiki/...',
    };
  }
  const full = fullPath(found.apiPath.api, found.apiPath.specPath);
  const others = found.otherMethods.map(
    (o) => `${fullPath(found.apiPath?.api ?? 'v2', o.path)} (${o.methods.join(', ')})`,
  );
  return {
    exchange: `${method} ${full}`,
    where: 'operation',
    message: others.length
      ? `no ${method} operation for ${full} in the ${found.apiPath.api} spec; the path matches ${others.join('; ')}`
      : `no operation of the ${found.apiPath.api} spec matches ${method} ${full}`,
  };
}

function parametersOf(specs: ContractSpecs, match: OperationMatch): JsonObject[] {
  const doc = specs[match.api].doc;
  const byKey = new Map<string, JsonObject>();
  for (const list of [match.pathItem.parameters, match.operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = deref(doc, raw);
      if (isObject(p) && typeof p.name === 'string' && typeof p.in === 'string')
        byKey.set(`${p.in} ${p.name}`, p);
    }
  }
  return [...byKey.values()];
}

type Coerced = { value: unknown } | { error: string };

function coerce(raw: string, type: unknown): Coerced {
  switch (type) {
    case 'integer':
      return /^-?\d+$/.test(raw)
        ? { value: Number(raw) }
        : { error: `${JSON.stringify(raw)} is not an integer` };
    case 'number':
      return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)
        ? { value: Number(raw) }
        : { error: `${JSON.stringify(raw)} is not a number` };
    case 'boolean':
      return raw === 'true' || raw === 'false'
        ? { value: raw === 'true' }
        : { error: `${JSON.stringify(raw)} is not a boolean (true or false)` };
    default:
      return { value: raw };
  }
}

const DELIMITERS: Record<string, string> = {
  form: ',',
  simple: ',',
  spaceDelimited: ' ',
  pipeDelimited: '|',
};

/** Checks the raw values of one parameter; returns problem descriptions (without the parameter name). */
function checkParameter(
  specs: ContractSpecs,
  match: OperationMatch,
  param: JsonObject,
  raw: string[],
): string[] {
  const doc = specs[match.api].doc;
  const schema = deref(doc, param.schema);
  if (!isObject(schema)) return [];
  const isArray = schema.type === 'array';
  const style = typeof param.style === 'string' ? param.style : param.in === 'query' ? 'form' : 'simple';
  const problems: string[] = [];
  let strings: string[];
  if (!isArray) {
    if (raw.length > 1) return [`given ${raw.length} times, but it takes a single value`];
    strings = raw;
  } else if (param.explode === true) {
    strings = raw;
  } else {
    if (param.explode === false && raw.length > 1) {
      problems.push(
        `given ${raw.length} times, but the spec declares style ${style}, explode false: send one delimited value`,
      );
    }
    // explode false, or undeclared (Confluence v2 documents comma-separated lists but declares no style):
    // split every occurrence on the style's delimiter.
    strings = raw.flatMap((r) => r.split(DELIMITERS[style] ?? ','));
  }
  const itemType = isArray ? (deref(doc, schema.items) as JsonObject | undefined)?.type : schema.type;
  if (itemType === 'object' || itemType === 'array') return problems;
  const values: unknown[] = [];
  for (const s of strings) {
    const c = coerce(s, itemType);
    if ('error' in c) problems.push(c.error);
    else values.push(c.value);
  }
  if (problems.length) return problems;
  const check = compileChecker(
    specs,
    { spec: specs[match.api], direction: 'request', strict: false },
    param.schema,
    `${match.label} ${String(param.in)} parameter ${String(param.name)}`,
  );
  return check(isArray ? values : values[0]);
}

function essence(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

function mediaMatches(declared: string[], actual: string): boolean {
  const a = essence(actual);
  return declared.some((d) => {
    const e = essence(d);
    return e === a || e === '*/*' || (e.endsWith('/*') && a.startsWith(e.slice(0, -1)));
  });
}

/** The media type object through which a JSON body is validated, if the content declares one. */
function jsonMedia(content: JsonObject): JsonObject | undefined {
  const entries = Object.entries(content);
  const json = entries.find(([t]) => essence(t) === 'application/json' || essence(t).endsWith('+json'));
  const any = entries.find(([t]) => essence(t) === '*/*' || essence(t) === 'application/*');
  const media = (json ?? any)?.[1];
  return isObject(media) ? media : undefined;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function validateBody(
  specs: ContractSpecs,
  match: OperationMatch,
  schema: unknown,
  body: unknown,
  direction: 'request' | 'response',
  key: string,
  strict: boolean,
): string[] {
  const ctx = { spec: specs[match.api], direction, strict };
  return compileChecker(specs, ctx, schema, `${match.label} ${key}`)(body);
}

/** Checks the request: operation, path and query parameters, required headers, and the JSON body. */
export function validateRequest(
  specs: ContractSpecs,
  exchange: Exchange,
  options: ValidateOptions = {},
): Violation[] {
  const resolved = resolveOperation(specs, exchange);
  if (!('match' in resolved)) return [resolved];
  const { match } = resolved;
  const out: Violation[] = [];
  const add = (where: Violation['where'], message: string) =>
    out.push({ exchange: match.label, where, message });
  const params = parametersOf(specs, match);

  for (const p of params.filter((x) => x.in === 'path')) {
    const name = String(p.name);
    const value = match.pathParams[name];
    if (value === undefined) add('path', `path parameter '${name}' is declared but not in the template`);
    else
      for (const m of checkParameter(specs, match, p, [value])) add('path', `path parameter '${name}': ${m}`);
  }

  const search = new URL(exchange.url, BASE).searchParams;
  const query = new Map<string, string[]>();
  for (const [k, v] of search) query.set(k, [...(query.get(k) ?? []), v]);
  const declared = params.filter((x) => x.in === 'query');
  for (const name of query.keys()) {
    if (!declared.some((p) => p.name === name)) {
      const known = declared.map((p) => String(p.name)).join(', ') || 'none';
      add('query', `unknown query parameter '${name}' (declared: ${known})`);
    }
  }
  for (const p of declared) {
    const name = String(p.name);
    const values = query.get(name);
    if (!values) {
      if (p.required === true) add('query', `missing required query parameter '${name}'`);
      continue;
    }
    for (const m of checkParameter(specs, match, p, values)) add('query', `query parameter '${name}': ${m}`);
  }

  if (exchange.requestHeaders) {
    for (const p of params.filter((x) => x.in === 'header' && x.required === true)) {
      if (header(exchange.requestHeaders, String(p.name)) === undefined) {
        add('header', `missing required header '${String(p.name)}'`);
      }
    }
  }

  const doc = specs[match.api].doc;
  const requestBody = deref(doc, match.operation.requestBody);
  const sent = exchange.requestBody !== undefined;
  if (!isObject(requestBody)) {
    if (sent) add('body', `a request body was sent, but ${match.label} declares none`);
    return out;
  }
  const content = isObject(requestBody.content) ? requestBody.content : {};
  const types = Object.keys(content);
  if (!sent) {
    if (requestBody.required === true)
      add('body', `a request body (${types.join(', ')}) is required but none was sent`);
    return out;
  }
  const contentType = header(exchange.requestHeaders, 'content-type');
  if (contentType !== undefined && !mediaMatches(types, contentType)) {
    add('body', `Content-Type ${contentType} is not declared (declared: ${types.join(', ')})`);
  }
  const media = jsonMedia(content);
  if (!media) {
    add('body', `a JSON body was sent, but the operation declares only ${types.join(', ')}`);
  } else if (media.schema !== undefined) {
    const strict = options.strict ?? true;
    for (const m of validateBody(
      specs,
      match,
      media.schema,
      exchange.requestBody,
      'request',
      'request',
      strict,
    )) {
      add('body', `request body ${m}`);
    }
  }
  return out;
}

function responseKey(responses: JsonObject, status: number): string | undefined {
  const code = String(status);
  if (code in responses) return code;
  const range = Object.keys(responses).find((k) => k.toUpperCase() === `${code[0]}XX`);
  if (range) return range;
  return 'default' in responses ? 'default' : undefined;
}

/**
 * Checks the response: the status must be declared (or covered by a range or `default`), except error statuses
 * (>= 400) the spec does not declare, which are accepted without body checks; a declared JSON schema is
 * checked against the body; a success status that declares no content must not carry a body.
 */
export function validateResponse(
  specs: ContractSpecs,
  exchange: Exchange,
  options: ValidateOptions = {},
): Violation[] {
  const resolved = resolveOperation(specs, exchange);
  if (!('match' in resolved)) return [resolved];
  const { match } = resolved;
  const out: Violation[] = [];
  const add = (message: string) => out.push({ exchange: match.label, where: 'response', message });
  const doc = specs[match.api].doc;
  const responses = isObject(match.operation.responses) ? match.operation.responses : {};
  const key = responseKey(responses, exchange.status);
  if (key === undefined) {
    if (exchange.status < 400) {
      add(`status ${exchange.status} is not declared (declared: ${Object.keys(responses).join(', ')})`);
    }
    return out;
  }
  const response = deref(doc, responses[key]);
  const content = isObject(response) && isObject(response.content) ? response.content : {};
  const types = Object.keys(content);
  const body = exchange.responseBody;
  if (types.length === 0) {
    // The specs declare error responses without content, yet Confluence sends error bodies.
    if (exchange.status < 400 && body !== undefined) {
      add(
        `status ${exchange.status} declares no body, but one was returned: ${JSON.stringify(body).slice(0, 80)}`,
      );
    }
    return out;
  }
  const contentType = header(exchange.responseHeaders, 'content-type');
  if (contentType !== undefined && body !== undefined && !mediaMatches(types, contentType)) {
    add(
      `Content-Type ${contentType} is not declared for status ${exchange.status} (declared: ${types.join(', ')})`,
    );
  }
  const media = jsonMedia(content);
  if (!media || media.schema === undefined) return out;
  if (body === undefined) {
    add(`status ${exchange.status} declares a JSON body (${types.join(', ')}), but none was returned`);
    return out;
  }
  const strict = options.strict ?? true;
  for (const m of validateBody(specs, match, media.schema, body, 'response', `response ${key}`, strict)) {
    add(`response body ${m}`);
  }
  return out;
}

/** validateRequest and validateResponse together (an unmatched operation is reported once). */
export function validateExchange(
  specs: ContractSpecs,
  exchange: Exchange,
  options: ValidateOptions = {},
): Violation[] {
  const request = validateRequest(specs, exchange, options);
  if (request.some((v) => v.where === 'operation')) return request;
  return [...request, ...validateResponse(specs, exchange, options)];
}

/** One line per violation, for assertion messages. */
export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.exchange} [${v.where}] ${v.message}`).join('\n');
}
