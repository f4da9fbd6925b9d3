// Requests to the connect flow's handlers in the test's own process (no server, no socket), so that mutation testing
// reaches the code they run: a request is an async iterable of body chunks, a response records what was written.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StorePort } from '../../src/auth/atlassian/store-port.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** Whether `end` was called. */
  ended: boolean;
  /** Whether `writeHead` was called. */
  wroteHead: boolean;
}

export interface RequestOptions {
  cookie?: string;
  /** The body, in the chunks it arrives in (a form's text, usually one chunk). */
  chunks?: Iterable<string>;
  /** A response whose headers were already sent (a failure after the answer began). */
  headersSent?: boolean;
}

/** Sends one request through `handle` and returns what it answered. */
export async function request(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
  method: string,
  url: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const chunks = options.chunks ?? [];
  const req = {
    method,
    url,
    headers: options.cookie ? { cookie: options.cookie } : {},
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunks) yield Buffer.from(chunk);
    },
  } as unknown as IncomingMessage;
  const answer: Answer = { status: 0, headers: {}, body: '', ended: false, wroteHead: false };
  const res = {
    headersSent: options.headersSent ?? false,
    writeHead(status: number, headers: Record<string, string | string[]> = {}) {
      answer.status = status;
      answer.headers = headers;
      answer.wroteHead = true;
      return res;
    },
    end(body?: string) {
      answer.body = body ?? '';
      answer.ended = true;
      return res;
    },
  } as unknown as ServerResponse;
  await handle(req, res);
  return answer;
}

/** The cookies an answer sets, as a list. */
export const cookiesOf = (answer: Answer): string[] => [answer.headers['set-cookie'] ?? []].flat();

/** A store in memory, enough for the flow: single-use reads, no expiry; `keys()` lists what it holds. */
export function memoryStore(): StorePort & { keys(): string[] } {
  const data = new Map<string, unknown>();
  return {
    keys: () => [...data.keys()],
    get: async <T>(key: string) => data.get(key) as T | undefined,
    set: async (key, value) => void data.set(key, value),
    delete: async (key) => data.delete(key),
    take: async <T>(key: string) => {
      const value = data.get(key) as T | undefined;
      data.delete(key);
      return value;
    },
    add: async (key, value) => {
      if (data.has(key)) return false;
      data.set(key, value);
      return true;
    },
    withLock: (_name, _options, fn) => fn(),
  };
}
