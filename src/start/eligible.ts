// Which messages the stdio front may answer: only those the SDK server would take and answer from nothing but the
// configuration, and of those only the plainest forms. The SDK checks a message against its zod schemas (a strict
// JSON-RPC envelope, then the method's parameters); these checks accept less than those schemas do, never more, so
// an answer the front gives is one the SDK would have given. Anything else goes to the SDK server as it came.

/** The methods the front answers (the notification it lets pass), or undefined for any other message. */
export type Eligible = 'initialize' | 'notifications/initialized' | 'ping' | 'tools/list';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const onlyKeys = (value: Json, keys: readonly string[]) =>
  Object.keys(value).every((key) => keys.includes(key));

const isId = (value: unknown): value is string | number =>
  typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));

const optional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);
const isString = (value: unknown) => typeof value === 'string';
const isBoolean = (value: unknown) => typeof value === 'boolean';
/** What the SDK's AssertObjectSchema takes, less functions (JSON has none). */
const isNonNullObject = (value: unknown) => typeof value === 'object' && value !== null;

/** Parameters with no `_meta` (progress tokens and task links are left to the SDK). */
const plainParams = (params: unknown): params is Json | undefined =>
  params === undefined || (isObject(params) && !('_meta' in params));

/** Client capabilities as the SDK's ClientCapabilitiesSchema takes them; tasks are left to the SDK. */
function plainCapabilities(capabilities: unknown): boolean {
  if (!isObject(capabilities) || 'tasks' in capabilities) return false;
  const { experimental, extensions, sampling, elicitation, roots } = capabilities;
  const recordOfObjects = (v: unknown) => isObject(v) && Object.values(v).every(isNonNullObject);
  return (
    optional(experimental, recordOfObjects) &&
    optional(extensions, recordOfObjects) &&
    optional(
      sampling,
      (v) => isObject(v) && optional(v.context, isNonNullObject) && optional(v.tools, isNonNullObject),
    ) &&
    optional(
      elicitation,
      (v) =>
        isObject(v) &&
        optional(v.form, (form) => isObject(form) && optional(form.applyDefaults, isBoolean)) &&
        optional(v.url, isNonNullObject),
    ) &&
    optional(roots, (v) => isObject(v) && optional(v.listChanged, isBoolean))
  );
}

/** clientInfo as the SDK's ImplementationSchema takes it; icons are left to the SDK. */
function plainClientInfo(info: unknown): boolean {
  return (
    isObject(info) &&
    !('icons' in info) &&
    isString(info.name) &&
    isString(info.version) &&
    optional(info.title, isString) &&
    optional(info.websiteUrl, isString) &&
    optional(info.description, isString)
  );
}

/**
 * What a message is, if the front may answer it: `initialize` only as the first message, the others only after it.
 * A request must carry an id the SDK takes (a string or a safe integer) and nothing beside the JSON-RPC fields.
 */
export function eligible(message: unknown, first: boolean): Eligible | undefined {
  if (!isObject(message) || message.jsonrpc !== '2.0' || !plainParams(message.params)) return undefined;
  const { method, params } = message;
  if (!('id' in message)) {
    if (first || method !== 'notifications/initialized') return undefined;
    return onlyKeys(message, ['jsonrpc', 'method', 'params']) ? method : undefined;
  }
  if (!isId(message.id) || !onlyKeys(message, ['jsonrpc', 'id', 'method', 'params'])) return undefined;
  if (method === 'initialize') {
    if (!first || !isObject(params) || !isString(params.protocolVersion)) return undefined;
    return plainCapabilities(params.capabilities) && plainClientInfo(params.clientInfo) ? method : undefined;
  }
  if (first) return undefined;
  if (method === 'ping') return method;
  if (method === 'tools/list') return optional(params?.cursor, isString) ? method : undefined;
  return undefined;
}
