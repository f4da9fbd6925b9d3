import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isInitializeRequest,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/* The SDK's JSON-RPC message shapes, for a transport of the server's own (src/transports/json-exchange.ts). */

export type { JSONRPCMessage, MessageExtraInfo, RequestId, Transport };

/** A POST body's messages, each checked against JSON-RPC's shape as the SDK's transports check them; undefined if one is not. */
export function jsonRpcMessages(body: unknown): JSONRPCMessage[] | undefined {
  const messages: JSONRPCMessage[] = [];
  for (const message of Array.isArray(body) ? body : [body]) {
    const parsed = JSONRPCMessageSchema.safeParse(message);
    if (!parsed.success) return undefined;
    messages.push(parsed.data);
  }
  return messages;
}

/** Whether a message is an `initialize` request the SDK takes as one (a malformed one is an ordinary request). */
export function isInitialize(message: JSONRPCMessage): boolean {
  return 'method' in message && message.method === 'initialize' && isInitializeRequest(message);
}
