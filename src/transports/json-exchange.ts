import type { IncomingHttpHeaders } from 'node:http';
import {
  type AuthInfo,
  isInitialize,
  type JSONRPCMessage,
  jsonRpcMessages,
  type MessageExtraInfo,
  PROTOCOL_VERSIONS,
  type RequestId,
  type Transport,
} from '../mcp/index.js';
import { RequestError } from './http-io.js';

/*
 * One stateless Streamable HTTP POST answered with a JSON body, without the SDK's HTTP transport. That transport
 * turns Node's request and response into Web ones and back (through @hono/node-server) on every POST, a fifth of a
 * small tool call's CPU here; a POST that needs no stream has its body already parsed and gets one JSON answer, so
 * none of that is needed. What the SDK's transport checks before a message reaches the server is checked here the
 * same way, with the same statuses and messages (`test/e2e/http-transport.test.ts` and the conformance suite hold
 * both paths to them): the Accept header, the batch size, each message's JSON-RPC shape, one `initialize` alone,
 * the `MCP-Protocol-Version` header, 202 for a POST of notifications and responses only. A POST that needs a
 * stream (progress, a tool that announces a new tool list) still goes to the SDK's transport.
 */

/** The SDK transport's own bound on a batch (server/requestBody.js), kept so both paths refuse the same bodies. */
const MAX_BATCH_SIZE = 100;

/** A checked POST: its exchange, and whether it holds requests (else it is answered 202 with no body). */
export interface JsonPost {
  exchange: JsonExchange;
  hasRequests: boolean;
}

function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId; method: string } {
  return 'method' in message && 'id' in message;
}

function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return ('result' in message || 'error' in message) && 'id' in message;
}

function accepts(header: string | undefined): boolean {
  // A comma-separated list, so a substring check is what the SDK does too.
  return Boolean(header?.includes('application/json') && header.includes('text/event-stream'));
}

/**
 * Checks a parsed POST body and its headers as the SDK's Streamable HTTP transport would; a RequestError (406, 400)
 * says what is wrong, else the exchange that delivers its messages.
 */
export function openJsonPost(
  body: unknown,
  headers: IncomingHttpHeaders,
  url: string,
  authInfo: AuthInfo | undefined,
): JsonPost {
  if (!accepts(headers.accept)) {
    throw new RequestError(
      406,
      -32000,
      'Not Acceptable: Client must accept both application/json and text/event-stream',
    );
  }
  if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) {
    throw new RequestError(400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
  }
  const messages = jsonRpcMessages(body);
  if (!messages) throw new RequestError(400, -32700, 'Parse error: Invalid JSON-RPC message');
  const initializing = messages.some(isInitialize);
  if (initializing && messages.length > 1) {
    throw new RequestError(400, -32600, 'Invalid Request: Only one initialization request is allowed');
  }
  if (!initializing) {
    const version = headers['mcp-protocol-version'];
    const supported = PROTOCOL_VERSIONS.supported;
    if (typeof version === 'string' && !supported.includes(version)) {
      throw new RequestError(
        400,
        -32000,
        `Bad Request: Unsupported protocol version: ${version} (supported versions: ${supported.join(', ')})`,
      );
    }
  }
  const exchange = new JsonExchange(messages, {
    ...(authInfo ? { authInfo } : {}),
    requestInfo: { headers, url: new URL(url, 'http://localhost') },
  });
  return { exchange, hasRequests: messages.some(isRequest) };
}

/**
 * The transport an MCP server is connected to for one JSON-answered POST: {@link JsonExchange.run} hands the
 * server the POST's messages and resolves with the answer to write, once every request in it has one (a single
 * answer as an object, several as an array, as the SDK's transport writes them), or undefined when it closed first.
 */
export class JsonExchange implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage, extra?: MessageExtraInfo) => void) | undefined;
  readonly #messages: readonly JSONRPCMessage[];
  readonly #extra: MessageExtraInfo;
  /** Each request's id, in the order they came, with its answer once the server sent it. */
  readonly #answers = new Map<RequestId, JSONRPCMessage | undefined>();
  #deliver: ((answer: unknown) => void) | undefined;
  #closed = false;
  /** Whether every request in the POST has its answer (true at once for a POST without requests). */
  answered = false;

  constructor(messages: readonly JSONRPCMessage[], extra: MessageExtraInfo) {
    this.#messages = messages;
    this.#extra = extra;
    for (const message of messages) if (isRequest(message)) this.#answers.set(message.id, undefined);
  }

  async start(): Promise<void> {}

  /** Delivers the messages to the connected server; resolves with the answer to write (see the class). */
  run(): Promise<unknown> {
    const answered = new Promise<unknown>((resolve) => {
      this.#deliver = resolve;
    });
    for (const message of this.#messages) this.onmessage?.(message, this.#extra);
    if (this.#answers.size === 0) {
      this.answered = true;
      this.#deliver?.(undefined);
    }
    return answered;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Notifications and requests to the client have no stream to go on with a JSON answer; the SDK's transport
    // drops them too. The POSTs that need them are routed to it instead.
    if (!isResponse(message)) return;
    if (this.#closed || !this.#answers.has(message.id)) {
      throw new Error(`No connection established for request ID: ${String(message.id)}`);
    }
    this.#answers.set(message.id, message);
    const answers = [...this.#answers.values()];
    if (answers.some((answer) => answer === undefined)) return;
    this.answered = true;
    this.#deliver?.(answers.length === 1 ? answers[0] : answers);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#deliver?.(undefined);
    this.onclose?.();
  }
}
