/**
 * Turns OpenAPI 3.0 schemas of the Confluence specs into JSON Schema 2019-09 and compiles them with Ajv.
 *
 * OpenAPI 3.0 specifics: `nullable` becomes a type union (and adds null to an `enum`); `$ref` siblings are
 * ignored (as OpenAPI 3.0 says); `example`, `x-*`, `discriminator`, `xml`, `externalDocs`, `deprecated`,
 * `readOnly`/`writeOnly` are dropped (a readOnly property is not required in a request, a writeOnly one not in a
 * response); boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers; unknown formats (`string`...) are
 * accepted; `oneOf` becomes `anyOf` (objects in these specs overlap: `{representation, value}` matches both
 * open branches of the v2 page `body` oneOf, so exclusivity would reject valid bodies).
 *
 * Strict mode (default for request and response bodies) reports properties the spec does not declare:
 * - An object schema that declares properties and no `additionalProperties` gets `unevaluatedProperties: false`.
 *   Maps (`additionalProperties: {...}`) and explicitly open objects (`additionalProperties: true`) stay open.
 * - `allOf` is merged: the properties of every branch (through `$ref`s) are hoisted into one `properties`,
 *   properties declared by several branches are merged recursively (so `_links` from `PageSingle` and
 *   `{_links: {base}}` accept `webui` and `base` together), and the merged object is closed once. Other keywords
 *   of each branch are kept in an `allOf`. A branch with `additionalProperties: false` or a map schema is not
 *   merged (the branches are then validated as written, without closing).
 * - `anyOf`/`oneOf`: when the schema has no properties of its own, each alternative is closed on its own (it
 *   describes the whole object); when it has, the alternatives are open and the parent's
 *   `unevaluatedProperties` sees the properties of the alternatives that matched.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import {
  type Api,
  type ApiSpec,
  type ContractSpecs,
  deref,
  isObject,
  type JsonObject,
} from './openapi-load.js';

export type Direction = 'request' | 'response';
type Mode = 'closed' | 'open';

export interface SchemaContext {
  spec: ApiSpec;
  direction: Direction;
  strict: boolean;
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2019) => Ajv2019;

const ID_BASE = 'https://confluence-contract.invalid';
const COPIED = [
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'const',
] as const;
const MAX_DEPTH = 60;

interface Store {
  ajv: Ajv2019;
  added: Set<string>;
}

function storeOf(specs: ContractSpecs): Store {
  const existing = specs.cache.get('ajv') as Store | undefined;
  if (existing) return existing;
  const ajv = new Ajv2019({
    allErrors: true,
    strict: false,
    logger: false,
    verbose: true,
    validateFormats: true,
  });
  addFormats(ajv);
  const store: Store = { ajv, added: new Set() };
  specs.cache.set('ajv', store);
  return store;
}

class Converter {
  constructor(
    private readonly store: Store,
    private readonly ctx: SchemaContext,
  ) {}

  private get doc(): JsonObject {
    return this.ctx.spec.doc;
  }

  /** The `$id` of a converted component, converting and registering it on first use. */
  private defRef(pointer: string, mode: Mode): string {
    const { api } = this.ctx.spec;
    const id = `${ID_BASE}/${api satisfies Api}/${this.ctx.direction}/${this.ctx.strict ? 'strict' : 'lenient'}/${mode}/${encodeURIComponent(pointer)}`;
    if (!this.store.added.has(id)) {
      this.store.added.add(id);
      const converted = this.convert(deref(this.doc, { $ref: pointer }), mode, 0);
      this.store.ajv.addSchema({ ...converted, $id: id });
    }
    return id;
  }

  convert(schema: unknown, mode: Mode, depth: number): JsonObject {
    if (depth > MAX_DEPTH) throw new Error(`Schema nesting deeper than ${MAX_DEPTH} levels (allOf cycle?)`);
    if (!isObject(schema)) return {};
    if (typeof schema.$ref === 'string') return { $ref: this.defRef(schema.$ref, mode) };
    const fragments = this.flatten(schema, depth);
    if (fragments.length === 1 && fragments[0]) return this.single(fragments[0], mode, depth);
    const mergeable = fragments.every(
      (f) => f.additionalProperties === undefined || f.additionalProperties === true,
    );
    if (!mergeable) return { allOf: fragments.map((f) => this.single(f, 'open', depth + 1)) };
    return this.merged(fragments, mode, depth);
  }

  /** The schema and its `allOf` branches (through `$ref`s), each without its `allOf`. */
  private flatten(schema: unknown, depth: number): JsonObject[] {
    if (depth > MAX_DEPTH) throw new Error(`allOf nesting deeper than ${MAX_DEPTH} levels (cycle?)`);
    const node = deref(this.doc, schema);
    if (!isObject(node)) return [];
    const { allOf, ...rest } = node;
    const out: JsonObject[] = [rest];
    if (Array.isArray(allOf)) for (const branch of allOf) out.push(...this.flatten(branch, depth + 1));
    return out;
  }

  private single(f: JsonObject, mode: Mode, depth: number): JsonObject {
    const props = isObject(f.properties) ? f.properties : {};
    const hasProps = Object.keys(props).length > 0;
    const lists = new Map(Object.entries(props).map(([k, v]) => [k, [v]]));
    const out = this.keywords(f, hasProps ? 'open' : mode, depth, lists);
    if (isObject(f.properties)) {
      out.properties = Object.fromEntries(
        Object.entries(f.properties).map(([k, v]) => [k, this.convert(v, 'closed', depth + 1)]),
      );
    }
    const ap = f.additionalProperties;
    if (typeof ap === 'boolean') out.additionalProperties = ap;
    else if (isObject(ap)) out.additionalProperties = this.convert(ap, 'closed', depth + 1);
    if (this.ctx.strict && mode === 'closed' && hasProps && ap === undefined)
      out.unevaluatedProperties = false;
    return out;
  }

  private merged(fragments: JsonObject[], mode: Mode, depth: number): JsonObject {
    const lists = new Map<string, unknown[]>();
    for (const f of fragments) {
      if (!isObject(f.properties)) continue;
      for (const [k, v] of Object.entries(f.properties)) lists.set(k, [...(lists.get(k) ?? []), v]);
    }
    const branchMode: Mode = lists.size > 0 ? 'open' : mode;
    const parts = fragments
      .map((f) => this.keywords(f, branchMode, depth, lists))
      .filter((p) => Object.keys(p).length);
    const out: JsonObject = parts.length ? { allOf: parts } : {};
    if (lists.size > 0) {
      out.properties = Object.fromEntries(
        [...lists].map(([k, list]) => [
          k,
          this.convert(list.length === 1 ? list[0] : { allOf: list }, 'closed', depth + 1),
        ]),
      );
    }
    const open = fragments.some((f) => f.additionalProperties === true);
    if (this.ctx.strict && mode === 'closed' && lists.size > 0 && !open) out.unevaluatedProperties = false;
    return out;
  }

  /** Every keyword of one fragment except `properties`, `additionalProperties` and `allOf`. */
  private keywords(
    f: JsonObject,
    branchMode: Mode,
    depth: number,
    props: Map<string, unknown[]>,
  ): JsonObject {
    const out: JsonObject = {};
    const nullable = f.nullable === true;
    if (typeof f.type === 'string') out.type = nullable && f.type !== 'null' ? [f.type, 'null'] : f.type;
    if (Array.isArray(f.enum)) out.enum = nullable && !f.enum.includes(null) ? [...f.enum, null] : f.enum;
    if (typeof f.format === 'string') {
      if (!this.store.ajv.formats[f.format]) this.store.ajv.addFormat(f.format, true);
      out.format = f.format;
    }
    for (const k of COPIED) if (f[k] !== undefined) out[k] = f[k];
    for (const [bound, flag] of [
      ['minimum', 'exclusiveMinimum'],
      ['maximum', 'exclusiveMaximum'],
    ] as const) {
      if (f[flag] === true && typeof f[bound] === 'number') {
        out[flag] = f[bound];
        delete out[bound];
      } else if (typeof f[flag] === 'number') out[flag] = f[flag];
    }
    if (Array.isArray(f.required)) {
      const skip = this.ctx.direction === 'request' ? 'readOnly' : 'writeOnly';
      const required = f.required.filter(
        (name) =>
          typeof name === 'string' &&
          !(props.get(name) ?? []).some((p) => {
            const s = deref(this.doc, p);
            return isObject(s) && s[skip] === true;
          }),
      );
      if (required.length) out.required = required;
    }
    if (f.items !== undefined) out.items = this.convert(f.items, 'closed', depth + 1);
    if (f.not !== undefined) out.not = this.convert(f.not, 'open', depth + 1);
    const groups = [f.anyOf, f.oneOf]
      .filter((g): g is unknown[] => Array.isArray(g))
      .map((g) => g.map((b) => this.convert(b, branchMode, depth + 1)));
    if (groups.length === 1) out.anyOf = groups[0];
    else if (groups.length === 2) out.allOf = groups.map((g) => ({ anyOf: g }));
    return out;
  }
}

/** Converts an OpenAPI schema of the spec to JSON Schema 2019-09 (for inspection and tests). */
export function convertSchema(specs: ContractSpecs, ctx: SchemaContext, schema: unknown): JsonObject {
  return new Converter(storeOf(specs), ctx).convert(schema, 'closed', 0);
}

/** Checks a value; returns readable problems (empty when valid). */
export type Checker = (data: unknown) => string[];

/** Compiles (once per key) a checker of an OpenAPI schema of the spec. */
export function compileChecker(
  specs: ContractSpecs,
  ctx: SchemaContext,
  schema: unknown,
  key: string,
): Checker {
  const cacheKey = `checker ${ctx.spec.api} ${ctx.direction} ${ctx.strict ? 'strict' : 'lenient'} ${key}`;
  const cached = specs.cache.get(cacheKey) as Checker | undefined;
  if (cached) return cached;
  const store = storeOf(specs);
  let validate: ValidateFunction;
  try {
    validate = store.ajv.compile(new Converter(store, ctx).convert(schema, 'closed', 0));
  } catch (error) {
    throw new Error(`Cannot compile the ${ctx.spec.api} schema of ${key}: ${(error as Error).message}`);
  }
  const checker: Checker = (data) => (validate(data) ? [] : describe(store.ajv, validate.errors ?? []));
  specs.cache.set(cacheKey, checker);
  return checker;
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value);
  const text = json.length > 60 ? `${json.slice(0, 57)}...` : json;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return kind === 'null' ? 'null' : `${kind} ${text}`;
}

function describeOne(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'unevaluatedProperties':
      return `${at}: property '${String(p.unevaluatedProperty)}' is not declared by the spec (strict mode)`;
    case 'additionalProperties':
      return `${at}: property '${String(p.additionalProperty)}' is not allowed (additionalProperties: false)`;
    case 'required':
      return `${at}: missing required property '${String(p.missingProperty)}'`;
    case 'enum':
      return `${at}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${show(e.data)}`;
    case 'type':
      return `${at}: must be ${String(p.type)}; got ${show(e.data)}`;
    default:
      return `${at}: ${e.message ?? e.keyword}; got ${show(e.data)}`;
  }
}

const signature = (e: ErrorObject): string => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`;

function alternativeName(branch: unknown, index: number, count: number): string {
  const ref = isObject(branch) && typeof branch.$ref === 'string' ? branch.$ref : undefined;
  const name = ref
    ? decodeURIComponent(ref.slice(ref.lastIndexOf('/') + 1))
        .split('/')
        .pop()
    : undefined;
  return `alternative ${index + 1} of ${count}${name ? ` (${name})` : ''}`;
}

/**
 * Readable messages for Ajv errors: the JSON pointer into the instance and what was expected. When an `anyOf`
 * fails, Ajv lists the errors of every alternative; instead, each alternative is validated on its own and only
 * the closest one (whose first error is deepest into the value, then fewest errors) is reported, in one message.
 */
function describe(ajv: Ajv2019, errors: ErrorObject[]): string[] {
  const dropped = new Set<ErrorObject>();
  const replaced = new Map<ErrorObject, string>();
  for (let k = errors.length - 1; k >= 0; k--) {
    const e = errors[k];
    if (e?.keyword !== 'anyOf' || dropped.has(e) || !Array.isArray(e.schema)) continue;
    const prefix = e.instancePath;
    const results = e.schema.map((branch: unknown) => {
      const v = ajv.compile(branch as object);
      v(e.data);
      return (v.errors ?? []).map((x) => ({ ...x, instancePath: prefix + x.instancePath }));
    });
    const signatures = new Set(results.flat().map(signature));
    for (let j = k - 1; j >= 0; j--) {
      const x = errors[j];
      if (
        x &&
        (x.instancePath === prefix || x.instancePath.startsWith(`${prefix}/`)) &&
        signatures.has(signature(x))
      ) {
        dropped.add(x);
      }
    }
    // The closest alternative got deepest into the value before failing, then has the fewest errors.
    const depth = (r: ErrorObject[]) => Math.min(...r.map((x) => x.instancePath.split('/').length));
    let best = 0;
    results.forEach((r, i) => {
      const b = results[best] ?? [];
      if (depth(r) > depth(b) || (depth(r) === depth(b) && r.length < b.length)) best = i;
    });
    const closest = describe(ajv, results[best] ?? []).join('; ');
    const alternative = alternativeName(e.schema[best], best, e.schema.length);
    replaced.set(
      e,
      `${prefix || '(root)'}: matches none of the ${e.schema.length} alternatives the spec allows; closest is ${alternative}: ${closest}`,
    );
  }
  const out: string[] = [];
  for (const e of errors) {
    if (dropped.has(e)) continue;
    const line = replaced.get(e) ?? describeOne(e);
    if (!out.includes(line)) out.push(line);
  }
  return out;
}
