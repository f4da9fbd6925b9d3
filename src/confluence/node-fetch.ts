import type { IncomingMessage } from 'node:http';
import nodeHttp from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import nodeHttps from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';

/*
 * The `fetch` ky sends Confluence requests with: the same contract as the global fetch for what the client asks of
 * it (method, headers, a buffered body, the signal, redirects, compressed answers), on node:http and node:https
 * with keep-alive agents instead of undici's fetch. The global fetch spends more CPU on one small GET than the rest
 * of a page read does outside the MCP SDK (its spec-shaped request, stream and response objects, several promise
 * hops per chunk); node:http parses in C++ and hands over the body as buffers. Test doubles keep working: msw
 * intercepts node:http's ClientRequest as it does the global fetch, so a test's unmocked request still fails.
 */

/** At most this many redirects are followed, as the global fetch does. */
const MAX_REDIRECTS = 20;
/** Statuses whose answer has no body, by the Fetch standard; a Response with one cannot be built. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Headers about the body, dropped when a redirect turns the request into a GET without one. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
/** Headers carrying credentials, dropped when a redirect leaves the origin they were meant for. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

const decoders: Record<string, (body: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  br: promisify(brotliDecompress),
};
const inflateZlib = promisify(inflate);
const inflateBare = promisify(inflateRaw);

/** `deflate` is zlib-wrapped by the standard, yet some servers send it raw: fetch takes both, and so does this. */
async function inflateEither(body: Buffer): Promise<Buffer> {
  // A zlib stream starts with a CMF byte whose low nibble is 8 (deflate) and a header checksum that divides by 31.
  const zlibWrapped =
    body.length >= 2 &&
    ((body[0] as number) & 0x0f) === 8 &&
    ((body[0] as number) * 256 + (body[1] as number)) % 31 === 0;
  return zlibWrapped ? inflateZlib(body) : inflateBare(body);
}

/** Undoes the answer's `Content-Encoding`, last coding first; an unknown coding leaves the body as it is, as fetch does. */
async function decode(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (!encoding || body.length === 0) return body;
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding && coding !== 'identity');
  let decoded = body;
  for (const coding of codings.reverse()) {
    const decoder = coding === 'deflate' ? inflateEither : decoders[coding];
    if (!decoder) return body;
    decoded = await decoder(decoded);
  }
  return decoded;
}

/** A failure to get an answer, shaped as the global fetch's: a TypeError whose cause says what happened. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

/** The abort reason the global fetch rejects with: the signal's own, or an AbortError when it has none. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

interface Incoming {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer | undefined;
}

export interface NodeFetchOptions {
  /** TLS settings for https (tests give their own certificate authority); the system's trust store by default. */
  tls?: Pick<HttpsAgentOptions, 'ca'>;
  /**
   * How long an idle kept-alive connection is kept, in ms: under the servers' own idle timeouts, so a request is
   * not sent on a connection the server is closing. A server's `Keep-Alive: timeout=` hint shortens it.
   */
  idleMs?: number;
}

/**
 * A `fetch` for ky on node:http and node:https, each with one keep-alive agent shared by every request it sends.
 * What it does not do, since the Confluence client does not ask for it: streamed request bodies (a body is read
 * whole before sending), streamed answers (the body is read whole, then handed over), caching, cookies.
 */
export function nodeFetch(options: NodeFetchOptions = {}): typeof fetch {
  const idleMs = options.idleMs ?? 4000;
  const agents = {
    'http:': new nodeHttp.Agent({ keepAlive: true, timeout: idleMs }),
    'https:': new nodeHttps.Agent({ keepAlive: true, timeout: idleMs, ...options.tls }),
  };

  /** One request and its whole answer, over a kept-alive connection when there is one. */
  function exchange(out: Outgoing, signal: AbortSignal | null): Promise<Incoming> {
    return new Promise((resolve, reject) => {
      // Looked up on the module at each request, not imported by name: test doubles (msw) replace `request` there.
      const send = out.url.protocol === 'https:' ? nodeHttps.request : nodeHttp.request;
      const agent = out.url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      let settled = false;
      const finish = (error: unknown, answer?: Incoming) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve(answer as Incoming);
        else reject(error);
      };
      const onAbort = () => {
        finish(abortReason(signal as AbortSignal));
        request.destroy();
      };
      const request = send(out.url, { method: out.method, headers: out.headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', (error) => finish(fetchFailed(error)));
        let ended = false;
        response.once('close', () => {
          if (!ended) finish(fetchFailed(new Error('the connection closed before the answer was whole')));
        });
        response.once('end', () => {
          ended = true;
          const status = response.statusCode ?? 0;
          const body = out.method === 'HEAD' || NULL_BODY.has(status) ? undefined : Buffer.concat(chunks);
          const headers = headersOf(response);
          if (!body) return finish(undefined, answerOf(response, status, headers, undefined));
          decode(body, response.headers['content-encoding']).then(
            (decoded) => finish(undefined, answerOf(response, status, headers, decoded)),
            (error: unknown) => finish(fetchFailed(error)),
          );
        });
      });
      request.once('error', (error) => finish(fetchFailed(error)));
      if (signal) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      request.end(out.body);
    });
  }

  return async function fetchOverNodeHttp(input, init) {
    const request = input instanceof Request ? input : new Request(input, init);
    const signal = init?.signal ?? request.signal;
    if (signal?.aborted) throw abortReason(signal);
    const redirect = init?.redirect ?? request.redirect;
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name] = value;
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    const body =
      request.body && request.method !== 'GET' && request.method !== 'HEAD'
        ? Buffer.from(await request.arrayBuffer())
        : undefined;
    if (body) headers['content-length'] = String(body.length);
    let out: Outgoing = { url: new URL(request.url), method: request.method, headers, body };
    for (let redirects = 0; ; redirects++) {
      if (out.url.protocol !== 'http:' && out.url.protocol !== 'https:') {
        throw fetchFailed(new Error(`cannot fetch a ${out.url.protocol} URL`));
      }
      const answer = await exchange(out, signal);
      // The global fetch fails on what a Response cannot hold; so does this, rather than throw a RangeError.
      if (answer.status < 200 || answer.status > 599) {
        throw fetchFailed(new Error(`invalid status ${answer.status}`));
      }
      const location = answer.headers.get('location');
      if (!isRedirect(answer.status) || location === null || redirect === 'manual') {
        return new BufferedResponse(answer.body, {
          status: answer.status,
          statusText: answer.statusText,
          headers: answer.headers,
        }) as unknown as Response;
      }
      if (redirect === 'error') throw fetchFailed(new Error(`unexpected redirect to ${location}`));
      if (redirects >= MAX_REDIRECTS) throw fetchFailed(new Error('redirect count exceeded'));
      out = redirected(out, answer.status, location);
    }
  };
}

/**
 * A Response over an answer already read whole. A Response built on a buffer wraps it in a ReadableStream, and
 * `text()` reads it back through that stream's reader, about a tenth of a small page read's CPU here; this one reads
 * the buffer itself for `text()`, `json()`, `arrayBuffer()`, `bytes()` and `blob()`, and makes the stream only when
 * `body` is asked for. Each body can be read once, as any Response's: a second read, or one after `body` was taken,
 * rejects with the TypeError fetch gives.
 */
export class BufferedResponse extends (Response as new (
  body: null,
  init: ResponseInit,
) => Pick<Response, 'headers' | 'status' | 'statusText'>) {
  readonly #buffer: Buffer | undefined;
  #stream: ReadableStream<Uint8Array> | null | undefined;
  #used = false;

  constructor(buffer: Buffer | undefined, init: ResponseInit) {
    super(null, init);
    this.#buffer = buffer;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream === undefined) {
      const buffer = this.#buffer;
      this.#stream = buffer
        ? new ReadableStream<Uint8Array>({
            start: (controller) => {
              this.#used = true;
              if (buffer.length) controller.enqueue(new Uint8Array(buffer));
              controller.close();
            },
          })
        : null;
    }
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  #take(): Buffer {
    if (this.#used || this.#stream) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#buffer ?? Buffer.alloc(0);
  }

  async text(): Promise<string> {
    return this.#take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async blob(): Promise<Blob> {
    return new Blob([this.#take()], { type: this.headers.get('content-type') ?? '' });
  }

  clone(): BufferedResponse {
    if (this.#used || this.#stream) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#buffer, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * The request a redirect asks for, by the Fetch standard: a 303 (or a 301/302 after a POST) becomes a GET without
 * its body, and credentials stay behind when the redirect leaves their origin.
 */
function redirected(out: Outgoing, status: number, location: string): Outgoing {
  let url: URL;
  try {
    url = new URL(location, out.url);
  } catch (error) {
    throw fetchFailed(error);
  }
  const headers = { ...out.headers };
  let { method, body } = out;
  if (
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (url.origin !== out.url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
  return { url, method, headers, body };
}

/** The answer's headers as a Headers object, repeated ones kept (Set-Cookie) as the global fetch keeps them. */
function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    headers.append(raw[index] as string, raw[index + 1] as string);
  }
  return headers;
}

function answerOf(
  response: IncomingMessage,
  status: number,
  headers: Headers,
  body: Buffer | undefined,
): Incoming {
  return { status, statusText: response.statusMessage ?? '', headers, body };
}
