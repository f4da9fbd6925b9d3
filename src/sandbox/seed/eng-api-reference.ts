import type { ApiField, ApiResource } from './eng-api-fields.js';
import { API_RESOURCES } from './eng-api-resources.js';
import {
  anchor,
  anchorLink,
  code,
  emoticon,
  expand,
  pageLink,
  panel,
  type StatusColour,
  status,
  toc,
} from './storage.js';

/** Title of the generated API reference, the longest page of the seed. */
export const API_REFERENCE_TITLE = 'Fleet API v3 reference';

const BASE = 'https://api.acme-robotics.example/v3';
const METHOD_COLOURS: Record<string, StatusColour> = {
  GET: 'Blue',
  POST: 'Green',
  PATCH: 'Yellow',
  PUT: 'Yellow',
  DELETE: 'Red',
};

function example(fields: readonly ApiField[], onlyWritable = false): Record<string, unknown> {
  return Object.fromEntries(
    fields.filter((x) => !onlyWritable || x.writable).map((x) => [x.name, x.example]),
  );
}

function fieldTable(fields: readonly ApiField[], where: string): string {
  const rows = fields
    .map(
      (x) =>
        `<tr><td><p><code>${x.name}</code></p></td><td><p>${where}</p></td><td><p>${x.type}</p></td><td><p>${x.description}</p></td></tr>`,
    )
    .join('');
  return `<table data-layout="default"><tbody><tr><th><p>Name</p></th><th><p>In</p></th><th><p>Type</p></th><th><p>Description</p></th></tr>${rows}</tbody></table>`;
}

function sdkExample(resource: ApiResource, index: number, call: string): string {
  const camel = resource.path.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const snake = resource.path.replace(/-/g, '_');
  // Body-taking calls are shown with curl only; SDK snippets cover list and id-based calls.
  if (call === 'create' || call === 'update') return '';
  const list = call === 'list';
  const ts = list ? '{ limit: 50 }' : `'${resource.idExample}'`;
  const py = list ? 'limit=50' : `"${resource.idExample}"`;
  const java = list ? 'ListParams.builder().limit(50).build()' : `"${resource.idExample}"`;
  switch (index % 3) {
    case 0:
      return code(
        'typescript',
        `import { AcmeFleet } from '@acme-robotics/fleet';\n\nconst acme = new AcmeFleet({ apiKey: process.env.ACME_API_KEY! });\nconst result = await acme.${camel}.${call}(${ts});\nconsole.log(result);`,
        { title: 'TypeScript SDK' },
      );
    case 1:
      return code(
        'python',
        `import os\nfrom acme_fleet import Client\n\nclient = Client(api_key=os.environ["ACME_API_KEY"])\nresult = client.${snake}.${call.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}(${py})\nprint(result)`,
        { title: 'Python SDK' },
      );
    default:
      return code(
        'java',
        `import com.acmerobotics.fleet.AcmeFleet;${list ? '\nimport com.acmerobotics.fleet.ListParams;' : ''}\n\npublic class Example {\n    public static void main(String[] args) {\n        AcmeFleet client = AcmeFleet.builder()\n            .apiKey(System.getenv("ACME_API_KEY"))\n            .build();\n        var result = client.${camel}().${call}(${java});\n        System.out.println(result);\n    }\n}`,
        { title: 'Java SDK' },
      );
  }
}

const ERRORS: readonly [number, string, string][] = [
  [400, 'invalid_request', 'The body or a parameter is malformed; <code>errors[].field</code> says which.'],
  [401, 'unauthenticated', 'Missing or expired API key.'],
  [403, 'forbidden', 'The key lacks the scope, or the object is in a site the key cannot access.'],
  [404, 'not_found', 'No such object (or not visible to this key).'],
  [409, 'conflict', 'The object changed since you read it; re-read and retry.'],
  [422, 'unprocessable', 'Valid JSON, but the request breaks a business rule.'],
  [429, 'rate_limited', 'Too many requests; wait for <code>Retry-After</code> seconds.'],
];

function errorsExpand(codes: readonly number[]): string {
  const rows = ERRORS.filter(([s]) => codes.includes(s))
    .map(([s, c, d]) => `<tr><td><p>${s}</p></td><td><p><code>${c}</code></p></td><td><p>${d}</p></td></tr>`)
    .join('');
  return expand(
    'Error responses',
    `<table data-layout="default"><tbody><tr><th><p>Status</p></th><th><p>Code</p></th><th><p>Meaning</p></th></tr>${rows}</tbody></table>`,
  );
}

interface Endpoint {
  method: string;
  path: string;
  summary: string;
  params: string;
  request?: unknown;
  response: unknown;
  responseStatus: number;
  errors: readonly number[];
  sdkCall: string;
}

function endpointSection(resource: ApiResource, endpoint: Endpoint, index: number): string {
  const anchorName = `${endpoint.method.toLowerCase()}-${endpoint.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`;
  const body =
    endpoint.request === undefined
      ? ''
      : ` \\\n  -H 'Content-Type: application/json' \\\n  -d '${JSON.stringify(endpoint.request)}'`;
  const idem = endpoint.method === 'POST' ? ` \\\n  -H "Idempotency-Key: $(uuidgen)"` : '';
  const curl = `curl -sS -X ${endpoint.method} '${BASE}${endpoint.path.replace(`{id}`, resource.idExample)}' \\\n  -H "Authorization: Bearer $ACME_API_KEY"${idem}${body}`;
  const response =
    endpoint.responseStatus === 204
      ? '<p>Returns <code>204 No Content</code> with an empty body.</p>'
      : code('json', JSON.stringify(endpoint.response, null, 2), {
          title: `${endpoint.responseStatus} response`,
        });
  return `<h3>${anchor(anchorName)}${status(METHOD_COLOURS[endpoint.method] ?? 'Grey', endpoint.method)} <code>${endpoint.path}</code></h3>
<p>${endpoint.summary} Required scope: <code>${resource.scope}${endpoint.method === 'GET' ? ':read' : ':write'}</code>.</p>
${endpoint.params}
${code('bash', curl, { title: 'Request' })}
${response}
${index % 4 === 0 ? sdkExample(resource, index, endpoint.sdkCall) : ''}
${errorsExpand(endpoint.errors)}`;
}

function endpointsOf(resource: ApiResource): Endpoint[] {
  const path = `/${resource.path}`;
  const item = `${path}/{id}`;
  const idParam = `<tr><td><p><code>id</code></p></td><td><p>path</p></td><td><p>string</p></td><td><p>The ${resource.singular} id, e.g. <code>${resource.idExample}</code>.</p></td></tr>`;
  const withId = (table: string) => table.replace('</th></tr>', `</th></tr>${idParam}`);
  const paging: ApiField[] = [
    { name: 'limit', type: 'integer', example: 50, description: 'Page size, 1&ndash;200 (default 50).' },
    {
      name: 'cursor',
      type: 'string',
      example: 'eyJrIjoiQVI5In0',
      description: 'From <code>next_cursor</code> of the previous page.',
    },
  ];
  const object = example(resource.fields);
  const writable = example(resource.fields, true);
  const endpoints: Endpoint[] = [
    {
      method: 'GET',
      path,
      summary: `Lists ${resource.singular} objects, newest first.`,
      params: fieldTable([...resource.filters, ...paging], 'query'),
      response: { items: [object], next_cursor: 'eyJrIjoiQVI5LTAwNDIxIn0', limit: 50 },
      responseStatus: 200,
      errors: [400, 401, 403, 429],
      sdkCall: 'list',
    },
    {
      method: 'GET',
      path: item,
      summary: `Returns one ${resource.singular}.`,
      params: withId(fieldTable([], 'path')),
      response: object,
      responseStatus: 200,
      errors: [401, 403, 404, 429],
      sdkCall: 'get',
    },
  ];
  if (!resource.readOnly) {
    endpoints.push(
      {
        method: 'POST',
        path,
        summary: `Creates a ${resource.singular}. Send an <code>Idempotency-Key</code> header so retries are safe.`,
        params: fieldTable(
          resource.fields.filter((x) => x.writable),
          'body',
        ),
        request: writable,
        response: object,
        responseStatus: 201,
        errors: [400, 401, 403, 409, 422, 429],
        sdkCall: 'create',
      },
      {
        method: 'PATCH',
        path: item,
        summary: `Updates the given fields of a ${resource.singular} (JSON Merge Patch). Send <code>If-Match</code> with the ETag to avoid lost updates.`,
        params: withId(
          fieldTable(
            resource.fields.filter((x) => x.writable),
            'body',
          ),
        ),
        request: Object.fromEntries(Object.entries(writable).slice(0, 2)),
        response: object,
        responseStatus: 200,
        errors: [400, 401, 403, 404, 409, 422, 429],
        sdkCall: 'update',
      },
      {
        method: 'DELETE',
        path: item,
        summary: `Deletes a ${resource.singular}. Deleting is permanent after 30 days; until then support can restore it.`,
        params: withId(fieldTable([], 'path')),
        response: null,
        responseStatus: 204,
        errors: [401, 403, 404, 409, 429],
        sdkCall: 'delete',
      },
    );
  }
  for (const action of resource.actions ?? []) {
    endpoints.push({
      method: action.method,
      path: `${item}/${action.name}`,
      summary: action.description,
      params: withId(fieldTable(action.body ?? [], 'body')),
      ...(action.body === undefined ? {} : { request: example(action.body) }),
      response: { ...object, updated_at: '2026-02-11T16:45:00Z' },
      responseStatus: 200,
      errors: [401, 403, 404, 409, 429],
      sdkCall: action.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
    });
  }
  return endpoints;
}

function resourceSection(resource: ApiResource, resourceIndex: number): string {
  const objectRows = resource.fields
    .map(
      (x) =>
        `<tr><td><p><code>${x.name}</code></p></td><td><p>${x.type}</p></td><td><p>${x.writable ? emoticon('tick') : emoticon('cross')}</p></td><td><p>${x.description}</p></td></tr>`,
    )
    .join('');
  const endpoints = endpointsOf(resource)
    .map((endpoint, i) => endpointSection(resource, endpoint, resourceIndex + i))
    .join('\n');
  return `<h2>${anchor(resource.path)}${resource.path.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase())}</h2>
<p>${resource.description}</p>
<h4>The ${resource.singular} object</h4>
<table data-layout="default"><tbody><tr><th><p>Field</p></th><th><p>Type</p></th><th><p>Writable</p></th><th><p>Description</p></th></tr>${objectRows}</tbody></table>
${endpoints}`;
}

const contents = API_RESOURCES.map((r) => `<li><p>${anchorLink(r.path, r.path)}</p></li>`).join('');

/** The Fleet API v3 reference page, generated from the resource list (well over 150 KB of storage). */
export const apiReferenceBody = `${toc(2)}
<h1>Fleet API v3 reference</h1>
<p>The Fleet API lets customers and integrators manage robots, missions and sites programmatically. Base URL:
<code>${BASE}</code> (EU customers: <code>https://eu.api.acme-robotics.example/v3</code>). This page is generated from
<code>api/fleet-v3.yaml</code>; do not edit it by hand, edit the spec (${pageLink('ADR-013: OpenAPI-first for the public Fleet API')}).</p>
${panel('note', `<p>v2 is deprecated and will be switched off on <time datetime="2026-09-30" />. See ${pageLink('ADR-024: Retire the v2 Fleet API by 2026-Q3')}.</p>`, 'v2 sunset')}
<h2>Conventions</h2>
<ul><li><p><strong>Authentication</strong>: <code>Authorization: Bearer &lt;API key&gt;</code>. Keys are created in the console or with <code>POST /v3/api-keys</code>.</p></li>
<li><p><strong>Pagination</strong>: cursor-based (${pageLink('ADR-014: Cursor-based pagination in public APIs', { text: 'ADR-014' })}); pass <code>limit</code> and <code>cursor</code>.</p></li>
<li><p><strong>Idempotency</strong>: POST accepts <code>Idempotency-Key</code> (${pageLink('ADR-015: Idempotency keys on mutating endpoints', { text: 'ADR-015' })}).</p></li>
<li><p><strong>Rate limits</strong>: 50 requests/s per customer; 429 with <code>Retry-After</code>.</p></li>
<li><p><strong>Errors</strong>: JSON body <code>{"error": {"code", "message", "request_id"}}</code>.</p></li></ul>
<h2>Resources</h2>
<ol>${contents}</ol>
${API_RESOURCES.map(resourceSection).join('\n')}`;
