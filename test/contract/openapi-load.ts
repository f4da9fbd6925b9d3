/**
 * Loads Atlassian's published OpenAPI specs for Confluence Cloud (v1 and v2) for contract tests.
 *
 * The specs live outside the project, in `<project root>/../shared/confluence-openapi/` (override with the
 * environment variable `CONFLUENCE_OPENAPI_DIR`). They are never copied into the project. When the folder or a
 * file is missing, loading throws an Error that says what is missing and where it was looked for; suites that need
 * the specs are gated on `specsRequirement()`, so a user's clone reports them skipped and CI (CI=true) fails.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Api = 'v1' | 'v2';
export type JsonObject = Record<string, unknown>;

export const V2_ROOT = '/wiki/api/v2';
export const SPEC_FILES: Readonly<Record<Api, string>> = {
  v1: 'confluence-v1.openapi.json',
  v2: 'confluence-v2.openapi.json',
};
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One `x-atlassian-oauth2-scopes` entry: a token must hold every scope of one entry. */
export interface ScopeSet {
  scheme?: string;
  state?: string;
  scopes: string[];
}

export interface OpenApiOperation extends JsonObject {
  operationId?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  'x-atlassian-oauth2-scopes'?: ScopeSet[];
}

/** A path template of a spec, split into segments for matching. */
export interface Route {
  api: Api;
  /** The path as written in the spec: relative to `/wiki/api/v2` for v2, starting with `/wiki/rest` for v1. */
  path: string;
  segments: { literal: string | undefined; param: string | undefined }[];
  /** One character per segment, '0' literal and '1' template: sorting ascending puts literals first. */
  rank: string;
  pathItem: JsonObject;
}

export interface ApiSpec {
  api: Api;
  file: string;
  doc: JsonObject;
  /** Routes sorted most specific first. */
  routes: Route[];
}

export interface ContractSpecs {
  dir: string;
  v1: ApiSpec;
  v2: ApiSpec;
  /** Compiled validators and converted schemas, filled lazily by the validators. Not part of the API. */
  readonly cache: Map<string, unknown>;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The project root: the nearest ancestor of this module holding the project's package.json. */
export function findProjectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
        if (isObject(parsed) && parsed.name === 'confluence-mcp') return dir;
      } catch {
        // not the project's package.json; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the confluence-mcp project root above ${from}`);
    dir = parent;
  }
}

/** Where the specs are looked for, and how that place was chosen (for error messages). */
export function contractSpecsDir(dir?: string): { dir: string; how: string } {
  if (dir !== undefined) return { dir: path.resolve(dir), how: 'the directory passed to loadContractSpecs' };
  const fromEnv = process.env.CONFLUENCE_OPENAPI_DIR;
  if (fromEnv) return { dir: path.resolve(fromEnv), how: 'CONFLUENCE_OPENAPI_DIR' };
  const root = findProjectRoot();
  return {
    dir: path.resolve(root, '..', 'shared', 'confluence-openapi'),
    how: `<project root>/../shared/confluence-openapi with project root ${root} (set CONFLUENCE_OPENAPI_DIR to override)`,
  };
}

/** Whether both specs are where contract tests look for them, for `describeRequiring`. */
export function specsRequirement(): { what: string; available: boolean } {
  const where = contractSpecsDir();
  return {
    what: `Confluence OpenAPI specs in ${where.dir} (${where.how})`,
    available: Object.values(SPEC_FILES).every((file) => existsSync(path.join(where.dir, file))),
  };
}

const loaded = new Map<string, ContractSpecs>();

/**
 * Loads both specs. Throws an Error naming what is missing and where it was looked for when the folder or a
 * file is missing or unreadable. Results are memoized per directory.
 */
export function loadContractSpecs(dir?: string): ContractSpecs {
  const where = contractSpecsDir(dir);
  const cached = loaded.get(where.dir);
  if (cached) return cached;
  if (!existsSync(where.dir)) {
    throw new Error(
      `Confluence OpenAPI specs are missing: directory ${where.dir} does not exist (looked for via ${where.how}). ` +
        `Contract tests need Atlassian's published ${SPEC_FILES.v2} and ${SPEC_FILES.v1} there; ` +
        'they are not part of the project and must not be copied into it.',
    );
  }
  if (!statSync(where.dir).isDirectory()) {
    throw new Error(
      `Confluence OpenAPI specs: ${where.dir} is not a directory (looked for via ${where.how}).`,
    );
  }
  const specs: ContractSpecs = {
    dir: where.dir,
    v1: loadApi('v1', where.dir, where.how),
    v2: loadApi('v2', where.dir, where.how),
    cache: new Map(),
  };
  loaded.set(where.dir, specs);
  return specs;
}

function loadApi(api: Api, dir: string, how: string): ApiSpec {
  const file = path.join(dir, SPEC_FILES[api]);
  if (!existsSync(file)) {
    throw new Error(
      `Confluence OpenAPI spec is missing: ${file} does not exist (the ${api} spec ${SPEC_FILES[api]} was ` +
        `looked for in ${dir}, chosen via ${how}).`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Confluence OpenAPI spec ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (
    !isObject(doc) ||
    typeof doc.openapi !== 'string' ||
    !doc.openapi.startsWith('3.') ||
    !isObject(doc.paths)
  ) {
    throw new Error(`Confluence OpenAPI spec ${file} is not an OpenAPI 3 document with paths`);
  }
  return { api, file, doc, routes: buildRoutes(api, doc.paths) };
}

function buildRoutes(api: Api, paths: JsonObject): Route[] {
  const routes: Route[] = [];
  for (const [p, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    const segments = p
      .split('/')
      .slice(1)
      .map((seg) => {
        const m = /^\{([^{}]+)\}$/.exec(seg);
        return m ? { literal: undefined, param: m[1] } : { literal: seg, param: undefined };
      });
    const rank = segments.map((s) => (s.literal === undefined ? '1' : '0')).join('');
    routes.push({ api, path: p, segments, rank, pathItem });
  }
  return routes.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
}

/** Resolves a local JSON reference (`#/components/...`) in a spec document. */
export function resolvePointer(doc: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !(key in node)) throw new Error(`Unresolvable $ref ${ref}`);
    node = node[key];
  }
  return node;
}

/** Follows `$ref` chains (OpenAPI 3.0: siblings of `$ref` are ignored). */
export function deref(doc: JsonObject, value: unknown): unknown {
  let node = value;
  for (let i = 0; isObject(node) && typeof node.$ref === 'string'; i++) {
    if (i > 50) throw new Error(`$ref cycle at ${node.$ref}`);
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}
