import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRequiring } from '../support/requires.js';
import {
  type ContractSpecs,
  type Exchange,
  findOperation,
  formatViolations,
  loadContractSpecs,
  operationScopes,
  specsRequirement,
  type Violation,
  validateExchange,
  validateRequest,
  validateResponse,
} from './openapi.js';

// Proves the harness can fail: realistic exchanges pass, and each kind of violation is reported.

const CLOUD = '11111111-2222-3333-4444-555555555555';
const GATEWAY = `https://api.atlassian.com/ex/confluence/${CLOUD}`;
const SITE = 'https://example.atlassian.net';
const LOCAL = 'http://127.0.0.1:54321';

// Loaded once the gate below has found them: a clone without ../shared reports these suites skipped.
let specs: ContractSpecs;

function expectClean(violations: Violation[]): void {
  expect(violations, formatViolations(violations)).toEqual([]);
}

function expectViolation(violations: Violation[], where: Violation['where'], pattern: RegExp): void {
  expect(
    violations.some((v) => v.where === where && pattern.test(v.message)),
    `expected a '${where}' violation matching ${pattern}, got:\n${formatViolations(violations) || '(none)'}`,
  ).toBe(true);
}

function page(): Record<string, unknown> {
  return {
    id: '123',
    status: 'current',
    title: 'Release notes',
    spaceId: '456',
    parentId: '789',
    parentType: 'page',
    position: null,
    authorId: '5b10a2844c20165700ede21g',
    ownerId: '5b10a2844c20165700ede21g',
    lastOwnerId: null,
    createdAt: '2026-01-02T03:04:05.000Z',
    version: {
      createdAt: '2026-03-04T05:06:07.000Z',
      message: 'Fix typo',
      number: 3,
      minorEdit: false,
      authorId: '5b10a2844c20165700ede21g',
    },
    body: { storage: { representation: 'storage', value: '<p>Hello</p>' } },
    labels: {
      results: [{ id: '42', name: 'release', prefix: 'global' }],
      meta: { hasMore: false, cursor: '' },
      _links: { self: '/wiki/api/v2/pages/123/labels' },
    },
    _links: {
      webui: '/spaces/DOC/pages/123/Release+notes',
      editui: '/pages/resumedraft.action?draftId=123',
      tinyui: '/x/ewE',
      base: 'https://example.atlassian.net/wiki',
    },
  };
}

function getPage(overrides: Partial<Exchange> = {}): Exchange {
  return {
    method: 'GET',
    url: `${GATEWAY}/wiki/api/v2/pages/123?body-format=storage&include-labels=true`,
    status: 200,
    responseHeaders: { 'content-type': 'application/json;charset=UTF-8' },
    responseBody: page(),
    ...overrides,
  };
}

const createPage = (requestBody: unknown, overrides: Partial<Exchange> = {}): Exchange => ({
  method: 'POST',
  url: `${SITE}/wiki/api/v2/pages`,
  requestHeaders: { 'Content-Type': 'application/json' },
  requestBody,
  status: 200,
  responseBody: page(),
  ...overrides,
});

describe('loading the specs', () => {
  it('throws an Error naming the directory when it is missing', () => {
    const missing = path.join(tmpdir(), 'no-such-confluence-openapi-dir');
    expect(() => loadContractSpecs(missing)).toThrowError(/missing/);
    expect(() => loadContractSpecs(missing)).toThrowError(missing);
  });

  it('honours CONFLUENCE_OPENAPI_DIR', () => {
    const missing = path.join(tmpdir(), 'env-confluence-openapi-dir');
    const saved = process.env.CONFLUENCE_OPENAPI_DIR;
    process.env.CONFLUENCE_OPENAPI_DIR = missing;
    try {
      expect(() => loadContractSpecs()).toThrowError(new RegExp(`${missing}.*CONFLUENCE_OPENAPI_DIR`));
    } finally {
      if (saved === undefined) delete process.env.CONFLUENCE_OPENAPI_DIR;
      else process.env.CONFLUENCE_OPENAPI_DIR = saved;
    }
  });

  describe('with a directory holding only the v2 file', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'openapi-'));
      writeFileSync(
        path.join(dir, 'confluence-v2.openapi.json'),
        JSON.stringify({ openapi: '3.0.3', paths: {} }),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('throws an Error naming the missing file', () => {
      expect(() => loadContractSpecs(dir)).toThrowError(path.join(dir, 'confluence-v1.openapi.json'));
    });
  });
});

describeRequiring(specsRequirement(), 'the harness against the real specs', () => {
  beforeAll(() => {
    specs = loadContractSpecs();
  });

  it('finds both specs beside the project', () => {
    expect(specs.dir).toBe(path.resolve(specs.dir));
    expect(specs.v2.routes.length).toBeGreaterThan(100);
    expect(specs.v1.routes.length).toBeGreaterThan(50);
  });

  describe('matching URLs to operations', () => {
    it('maps gateway, site and local URLs of v2 and v1 onto spec paths', () => {
      for (const origin of [GATEWAY, SITE, LOCAL]) {
        expect(findOperation(specs, 'GET', `${origin}/wiki/api/v2/pages/123?x=1`)).toMatchObject({
          api: 'v2',
          path: '/pages/{id}',
          pathParams: { id: '123' },
          label: 'GET /wiki/api/v2/pages/{id}',
        });
        expect(findOperation(specs, 'post', `${origin}/wiki/rest/api/content/123/label`)).toMatchObject({
          api: 'v1',
          path: '/wiki/rest/api/content/{id}/label',
        });
      }
      expect(findOperation(specs, 'GET', `${GATEWAY}/wiki/api/v2/pages/7/versions/2`)).toMatchObject({
        path: '/pages/{page-id}/versions/{version-number}',
        pathParams: { 'page-id': '7', 'version-number': '2' },
      });
    });

    it('prefers literal segments over templates', () => {
      expect(findOperation(specs, 'GET', `${SITE}/wiki/api/v2/pages/1/children`)?.path).toBe(
        '/pages/{id}/children',
      );
      expect(findOperation(specs, 'GET', `${SITE}/wiki/rest/api/settings/theme/selected`)?.path).toBe(
        '/wiki/rest/api/settings/theme/selected',
      );
      expect(findOperation(specs, 'GET', `${SITE}/wiki/rest/api/settings/theme/dark`)?.path).toBe(
        '/wiki/rest/api/settings/theme/{themeKey}',
      );
      expect(findOperation(specs, 'GET', `${SITE}/wiki/rest/api/group/by-id?id=abc`)?.path).toBe(
        '/wiki/rest/api/group/by-id',
      );
    });

    it('decodes path parameters', () => {
      expect(
        findOperation(specs, 'DELETE', `${SITE}/wiki/rest/api/content/1/label/a%2Fb`)?.pathParams,
      ).toEqual({
        id: '1',
        label: 'a/b',
      });
    });

    it('reports the scope sets of an operation', () => {
      expect(operationScopes(specs, 'GET', '/pages/{id}')).toEqual([['read:page:confluence']]);
      expect(operationScopes(specs, 'get', '/wiki/api/v2/pages/{id}')).toEqual([['read:page:confluence']]);
      expect(operationScopes(specs, 'POST', '/wiki/rest/api/content/{id}/label')).toEqual([
        ['write:confluence-content'],
        ['read:label:confluence', 'write:label:confluence'],
      ]);
      expect(() => operationScopes(specs, 'GET', '/nope')).toThrowError(/No operation GET \/nope/);
    });
  });

  describe('valid exchanges pass', () => {
    it('GET /pages/{id} through the gateway, with _links.base from the allOf', () => {
      expectClean(validateExchange(specs, getPage()));
    });

    it('POST /pages on the site', () => {
      expectClean(
        validateExchange(
          specs,
          createPage({
            spaceId: '456',
            status: 'current',
            title: 'New page',
            parentId: '789',
            body: { representation: 'storage', value: '<p>Hi</p>' },
          }),
        ),
      );
      // The other alternative of the body's oneOf.
      expectClean(
        validateRequest(
          specs,
          createPage({
            spaceId: '456',
            title: 'T',
            body: { storage: { representation: 'storage', value: '<p/>' } },
          }),
        ),
      );
    });

    it('v1 GET /settings/systemInfo', () => {
      expectClean(
        validateExchange(specs, {
          method: 'GET',
          url: `${LOCAL}/ex/confluence/${CLOUD}/wiki/rest/api/settings/systemInfo`,
          status: 200,
          responseBody: {
            cloudId: CLOUD,
            commitHash: '0123abcd',
            baseUrl: 'https://example.atlassian.net/wiki',
            edition: 'standard',
            siteTitle: 'Example',
            defaultLocale: 'en_US',
            defaultTimeZone: 'Europe/Paris',
          },
        }),
      );
    });

    it('v1 POST /content/{id}/label', () => {
      expectClean(
        validateExchange(specs, {
          method: 'POST',
          url: `${LOCAL}/wiki/rest/api/content/123/label`,
          requestHeaders: { 'content-type': 'application/json' },
          requestBody: [{ prefix: 'global', name: 'x' }],
          status: 200,
          responseBody: {
            results: [{ prefix: 'global', name: 'x', id: '99', label: 'x' }],
            start: 0,
            limit: 200,
            size: 1,
            _links: {
              base: 'https://example.atlassian.net/wiki',
              context: '/wiki',
              self: '/wiki/rest/api/x',
            },
          },
        }),
      );
    });

    it('array query parameters, comma-separated or repeated, and bounds', () => {
      const url = `${GATEWAY}/wiki/api/v2/pages?space-id=1,2&status=current&status=archived&limit=250&sort=-modified-date`;
      expectClean(validateRequest(specs, { method: 'GET', url, status: 200 }));
    });

    it('a paged v2 list with _links.next and _links.base', () => {
      // List items are PageBulk: their _links have no `base` (only the list's _links do).
      const { body: _omitBody, labels: _omitLabels, _links, ...rest } = page();
      const { base: _omitBase, ...itemLinks } = _links as Record<string, unknown>;
      const bulk = { ...rest, _links: itemLinks };
      expectClean(
        validateExchange(specs, {
          method: 'GET',
          url: `${GATEWAY}/wiki/api/v2/spaces/456/pages?depth=all&limit=2&cursor=abc`,
          status: 200,
          responseBody: {
            results: [bulk],
            _links: {
              next: '/wiki/api/v2/spaces/456/pages?cursor=def',
              base: 'https://example.atlassian.net/wiki',
            },
          },
        }),
      );
    });

    it('204 without a body, and error statuses the spec does not declare', () => {
      const url = `${GATEWAY}/wiki/api/v2/pages/123`;
      expectClean(validateExchange(specs, { method: 'DELETE', url, status: 204 }));
      for (const status of [404, 409, 410, 429, 503]) {
        const errors = { errors: [{ status, code: 'X', title: 'x', detail: null }] };
        expectClean(validateResponse(specs, { method: 'GET', url, status, responseBody: errors }));
      }
    });
  });

  describe('violations are reported', () => {
    it('unknown query parameter', () => {
      const v = validateRequest(
        specs,
        getPage({ url: `${GATEWAY}/wiki/api/v2/pages/123?bodyFormat=storage` }),
      );
      expectViolation(v, 'query', /unknown query parameter 'bodyFormat'/);
      expect(v[0]?.exchange).toBe('GET /wiki/api/v2/pages/{id}');
    });

    it('non-integer path id', () => {
      const v = validateRequest(specs, getPage({ url: `${GATEWAY}/wiki/api/v2/pages/abc` }));
      expectViolation(v, 'path', /path parameter 'id': "abc" is not an integer/);
    });

    it('bad enum value, bad boolean, out-of-range integer, repeated single value', () => {
      const url = `${GATEWAY}/wiki/api/v2/pages/123?body-format=html&include-labels=yes`;
      const v = validateRequest(specs, getPage({ url }));
      expectViolation(v, 'query', /'body-format': \(root\): must be one of "storage", .*got string "html"/);
      expectViolation(v, 'query', /'include-labels': "yes" is not a boolean/);
      const list = validateRequest(specs, {
        method: 'GET',
        url: `${SITE}/wiki/api/v2/pages?limit=251&title=a&title=b`,
        status: 200,
      });
      expectViolation(list, 'query', /'limit': \(root\): must be <= 250/);
      expectViolation(list, 'query', /'title': given 2 times/);
      const items = validateRequest(specs, {
        method: 'GET',
        url: `${SITE}/wiki/api/v2/pages?space-id=1,x`,
        status: 200,
      });
      expectViolation(items, 'query', /'space-id': "x" is not an integer/);
    });

    it('missing required query parameter', () => {
      const v = validateRequest(specs, {
        method: 'GET',
        url: `${SITE}/wiki/rest/api/group/by-id`,
        status: 200,
      });
      expectViolation(v, 'query', /missing required query parameter 'id'/);
    });

    it('missing required body field, wrong body type, invented body field, missing or undeclared body', () => {
      expectViolation(
        validateRequest(specs, createPage({ title: 'No space' })),
        'body',
        /request body \(root\): missing required property 'spaceId'/,
      );
      expectViolation(
        validateRequest(specs, createPage({ spaceId: 456 })),
        'body',
        /\/spaceId: must be string; got number 456/,
      );
      expectViolation(
        validateRequest(specs, createPage({ spaceId: '456', spaceKey: 'DOC' })),
        'body',
        /property 'spaceKey' is not declared/,
      );
      expectViolation(validateRequest(specs, createPage(undefined)), 'body', /required but none was sent/);
      expectViolation(
        validateRequest(specs, { ...getPage(), requestBody: { id: '1' } }),
        'body',
        /request body was sent, but GET \/wiki\/api\/v2\/pages\/\{id\} declares none/,
      );
    });

    it('a body matching none of the oneOf alternatives names the closest one', () => {
      const body = { spaceId: '456', body: { storage: { representation: 'html', value: '<p/>' } } };
      expectViolation(
        validateRequest(specs, createPage(body)),
        'body',
        /\/body: matches none of the 2 alternatives .* closest is alternative 2 of 2 \(PageNestedBodyWrite\): \/body\/storage\/representation: must be one of "storage"/,
      );
    });

    it('wrong type in response (version.number as string), bad format', () => {
      const body = page();
      body.version = { ...(body.version as object), number: '3' };
      body.createdAt = 'yesterday';
      const v = validateResponse(specs, getPage({ responseBody: body }));
      expectViolation(v, 'response', /response body \/version\/number: must be integer; got string "3"/);
      expectViolation(v, 'response', /\/createdAt: must match format "date-time"/);
    });

    it('invented response fields in strict mode, top-level and nested, but not in lenient mode', () => {
      const body = page();
      body.madeUp = true;
      body._links = { ...(body._links as object), invented: '/x' };
      body.version = { ...(body.version as object), editor: 'me' };
      const v = validateResponse(specs, getPage({ responseBody: body }));
      expectViolation(v, 'response', /\(root\): property 'madeUp' is not declared by the spec/);
      expectViolation(v, 'response', /\/_links: property 'invented' is not declared/);
      expectViolation(v, 'response', /\/version: property 'editor' is not declared/);
      // `base` is declared only on the single page's _links (the allOf), not on list items.
      const item = { ...page(), body: undefined, labels: undefined };
      const list = validateResponse(specs, {
        method: 'GET',
        url: `${SITE}/wiki/api/v2/pages`,
        status: 200,
        responseBody: { results: [JSON.parse(JSON.stringify(item))], _links: {} },
      });
      expectViolation(list, 'response', /\/results\/0\/_links: property 'base' is not declared/);
      expectClean(validateResponse(specs, getPage({ responseBody: body }), { strict: false }));
    });

    it('map-like and explicitly open objects stay open in strict mode', () => {
      // v1 GenericLinks is `additionalProperties: {oneOf: [object, string]}`; LabelCreate sets additionalProperties.
      expectClean(
        validateExchange(specs, {
          method: 'POST',
          url: `${SITE}/wiki/rest/api/content/1/label`,
          requestBody: { prefix: 'global', name: 'x', extra: 1 },
          status: 200,
          responseBody: { results: [], size: 0, _links: { anything: 'goes', nested: { a: 1 } } },
        }),
      );
    });

    it('undeclared success status, body on a status that declares none, missing response body', () => {
      const url = `${GATEWAY}/wiki/api/v2/pages/123`;
      expectViolation(
        validateResponse(specs, createPage({ spaceId: '1' }, { status: 201 })),
        'response',
        /status 201 is not declared \(declared: 200, 400, 401, 404, 413\)/,
      );
      expectViolation(
        validateResponse(specs, { method: 'DELETE', url, status: 204, responseBody: { ok: true } }),
        'response',
        /status 204 declares no body/,
      );
      expectViolation(
        validateResponse(specs, { method: 'GET', url, status: 200 }),
        'response',
        /declares a JSON body .* but none was returned/,
      );
      expectViolation(
        validateResponse(specs, getPage({ responseHeaders: { 'Content-Type': 'text/html' } })),
        'response',
        /Content-Type text\/html is not declared/,
      );
    });

    it('unknown path, unknown method, not a Confluence URL', () => {
      expectViolation(
        validateExchange(specs, { method: 'GET', url: `${GATEWAY}/wiki/api/v2/nope`, status: 200 }),
        'operation',
        /no operation of the v2 spec matches GET \/wiki\/api\/v2\/nope/,
      );
      expectViolation(
        validateExchange(specs, { method: 'PATCH', url: `${GATEWAY}/wiki/api/v2/pages/1`, status: 200 }),
        'operation',
        /no PATCH operation .* matches \/wiki\/api\/v2\/pages\/\{id\} \(GET, PUT, DELETE\)/,
      );
      expectViolation(
        validateExchange(specs, { method: 'GET', url: `${SITE}/rest/api/space`, status: 200 }),
        'operation',
        /not a Confluence API URL/,
      );
    });
  });

  describe('every schema of both specs compiles', () => {
    it('in strict and lenient mode, request and response', () => {
      let checked = 0;
      for (const api of ['v1', 'v2'] as const) {
        const paths = specs[api].doc.paths as Record<string, Record<string, unknown>>;
        for (const [p, item] of Object.entries(paths)) {
          for (const [method, op] of Object.entries(item)) {
            const url = `${SITE}${api === 'v2' ? '/wiki/api/v2' : ''}${p.replace(/\{[^}]+\}/g, '1')}`;
            const statuses = Object.keys((op as { responses?: object }).responses ?? {}).filter((s) =>
              /^\d+$/.test(s),
            );
            for (const status of statuses) {
              for (const strict of [true, false]) {
                // Only the absence of a throw matters here: the exchange is mostly invalid.
                const exchange = { method, url, requestBody: {}, status: Number(status), responseBody: {} };
                validateExchange(specs, exchange, { strict });
                checked++;
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(400);
    });
  });
});
