/**
 * Maps request URLs onto the operations of the Confluence specs, and reads the OAuth scopes they need.
 *
 * Accepted URL forms (any origin): the OAuth gateway `/ex/confluence/{cloudId}/wiki/api/v2/...` and
 * `/ex/confluence/{cloudId}/wiki/rest/...`, and the site `/wiki/api/v2/...` and `/wiki/rest/...`.
 */
import {
  type Api,
  type ApiSpec,
  type ContractSpecs,
  HTTP_METHODS,
  isObject,
  type OpenApiOperation,
  type Route,
  type ScopeSet,
  V2_ROOT,
} from './openapi-load.js';

export interface OperationMatch {
  api: Api;
  /** The spec's path template: relative to `/wiki/api/v2` for v2, starting with `/wiki/rest` for v1. */
  path: string;
  /** Lower-case HTTP method, as the spec's path item key. */
  method: string;
  operation: OpenApiOperation;
  /** The path item (for path-level parameters). */
  pathItem: Record<string, unknown>;
  /** Decoded values of the path template's parameters. */
  pathParams: Record<string, string>;
  /** "GET /wiki/api/v2/pages/{id}": method and the full template path. */
  label: string;
}

export interface ApiPath {
  api: Api;
  /** The path in spec terms: relative to `/wiki/api/v2` for v2, the full `/wiki/rest/...` path for v1. */
  specPath: string;
}

/** Splits a URL's path into the API and the path as the spec writes it; undefined for an unknown URL form. */
export function apiPathOf(url: string): ApiPath | undefined {
  let pathname: string;
  try {
    pathname = new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return undefined;
  }
  const gateway = /^\/ex\/confluence\/[^/]+(\/wiki\/.*)$/.exec(pathname);
  const rest = gateway ? (gateway[1] ?? '') : pathname;
  if (rest === V2_ROOT || rest.startsWith(`${V2_ROOT}/`)) {
    return { api: 'v2', specPath: rest.slice(V2_ROOT.length) || '/' };
  }
  if (rest.startsWith('/wiki/rest/')) return { api: 'v1', specPath: rest };
  return undefined;
}

/** The full path of a spec path, as it appears in URLs after the site or gateway prefix. */
export function fullPath(api: Api, specPath: string): string {
  return api === 'v2' ? `${V2_ROOT}${specPath}` : specPath;
}

function operationsOf(pathItem: Record<string, unknown>): string[] {
  return HTTP_METHODS.filter((m) => isObject(pathItem[m]));
}

function matchRoute(route: Route, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const want = route.segments[i];
    const got = segments[i] ?? '';
    if (!want) return undefined;
    if (want.literal !== undefined) {
      if (want.literal !== got) return undefined;
    } else if (want.param !== undefined) {
      if (got === '') return undefined;
      params[want.param] = safeDecode(got);
    }
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface RouteLookup {
  match?: OperationMatch;
  /** Paths whose template matches the URL but which do not declare the method. */
  otherMethods: { path: string; methods: string[] }[];
  apiPath?: ApiPath;
}

/** Like findOperation, but also says which templates matched with other methods (for error messages). */
export function lookupRoute(specs: ContractSpecs, method: string, url: string): RouteLookup {
  const apiPath = apiPathOf(url);
  if (!apiPath) return { otherMethods: [] };
  const spec: ApiSpec = specs[apiPath.api];
  const m = method.toLowerCase();
  const segments = apiPath.specPath.split('/').slice(1);
  const otherMethods: RouteLookup['otherMethods'] = [];
  for (const route of spec.routes) {
    const pathParams = matchRoute(route, segments);
    if (!pathParams) continue;
    const operation = route.pathItem[m];
    if (isObject(operation)) {
      return {
        apiPath,
        otherMethods,
        match: {
          api: apiPath.api,
          path: route.path,
          method: m,
          operation: operation as OpenApiOperation,
          pathItem: route.pathItem,
          pathParams,
          label: `${m.toUpperCase()} ${fullPath(apiPath.api, route.path)}`,
        },
      };
    }
    otherMethods.push({
      path: route.path,
      methods: operationsOf(route.pathItem).map((x) => x.toUpperCase()),
    });
  }
  return { apiPath, otherMethods };
}

/**
 * The operation a request goes to: literal segments win over templates (`/group/by-id` over
 * `/group/{groupId}`), comparing segments from the left. Undefined when no operation matches.
 */
export function findOperation(specs: ContractSpecs, method: string, url: string): OperationMatch | undefined {
  return lookupRoute(specs, method, url).match;
}

function operationAt(specs: ContractSpecs, method: string, specPath: string): OpenApiOperation {
  let api: Api = 'v2';
  let p = specPath;
  if (p === V2_ROOT || p.startsWith(`${V2_ROOT}/`)) p = p.slice(V2_ROOT.length) || '/';
  else if (p.startsWith('/wiki/')) api = 'v1';
  const pathItem = specs[api].doc.paths as Record<string, unknown>;
  const item = pathItem[p];
  const op = isObject(item) ? item[method.toLowerCase()] : undefined;
  if (!isObject(op)) {
    throw new Error(`No operation ${method.toUpperCase()} ${specPath} in the ${api} spec ${specs[api].file}`);
  }
  return op as OpenApiOperation;
}

/** The operation's `x-atlassian-oauth2-scopes` entries, with their state (v2: Current; v1: Current and Beta). */
export function operationScopeSets(specs: ContractSpecs, method: string, specPath: string): ScopeSet[] {
  const sets = operationAt(specs, method, specPath)['x-atlassian-oauth2-scopes'];
  return Array.isArray(sets) ? sets.filter((s): s is ScopeSet => isObject(s) && Array.isArray(s.scopes)) : [];
}

/**
 * The scope sets of an operation: a token must hold every scope of one set. `specPath` is the spec's template,
 * v2 relative (`/pages/{id}`, or `/wiki/api/v2/pages/{id}`) or v1 full (`/wiki/rest/api/content/{id}/label`).
 * Throws when the spec has no such operation.
 */
export function operationScopes(specs: ContractSpecs, method: string, specPath: string): string[][] {
  return operationScopeSets(specs, method, specPath).map((s) => [...s.scopes]);
}
