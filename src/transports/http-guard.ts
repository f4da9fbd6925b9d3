import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';

/** Which Host and Origin headers the server answers to; everything else is refused (DNS-rebinding defence). */
export interface OriginPolicy {
  hosts: Set<string>;
  origins: Set<string>;
  /** Whether any loopback origin (http://localhost:*, 127.0.0.1, [::1]) is allowed: only when listening on loopback. */
  loopbackOrigins: boolean;
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Whether a host name or address is this machine's loopback: `localhost`, an IPv4 address in 127.0.0.0/8, or
 * `::1`. Only real addresses count: `127.evil.example` is a name anyone can point anywhere.
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (['localhost', '::1', '[::1]'].includes(h)) return true;
  return isIPv4(h) && h.startsWith('127.');
}

/** The policy for a server listening on `host`, reached at `publicUrl`, with the operator's extra allowances. */
export function originPolicy(options: {
  host: string;
  publicUrl: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}): OriginPolicy {
  const hosts = new Set<string>(LOOPBACK_HOSTS);
  if (!['0.0.0.0', '::', '[::]'].includes(options.host))
    hosts.add(options.host.includes(':') ? `[${options.host}]` : options.host);
  hosts.add(new URL(options.publicUrl).hostname);
  for (const h of options.allowedHosts) hosts.add(h.toLowerCase());
  const origins = new Set<string>([
    new URL(options.publicUrl).origin,
    ...options.allowedOrigins.map((o) => o.replace(/\/+$/, '')),
  ]);
  return { hosts, origins, loopbackOrigins: isLoopback(options.host) };
}

/** The hostname of a Host header, without the port. */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':')[0] ?? '';
}

/**
 * Why a request must be refused (with the status), or undefined when its Host and Origin are acceptable. An opaque
 * `Origin: null` is refused unless `opaqueOriginAllowed`: browsers send it for a form posted from a page whose
 * referrer policy hides its origin (or from a privacy-minded browser), so the connect pages' own form posts, which
 * carry a CSRF token matched by a SameSite cookie, may accept it; /mcp never does.
 */
export function checkOrigin(
  req: IncomingMessage,
  policy: OriginPolicy,
  options: { opaqueOriginAllowed?: boolean } = {},
): { status: number; reason: string } | undefined {
  const host = req.headers.host;
  if (!host || !policy.hosts.has(hostnameOf(host))) {
    return { status: 403, reason: 'Host not allowed: add it to http.allowedHosts or set http.publicUrl' };
  }
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (origin === 'null') {
    return options.opaqueOriginAllowed ? undefined : { status: 403, reason: 'Origin not allowed' };
  }
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return { status: 403, reason: 'Origin not allowed' };
  }
  if (policy.origins.has(parsed.origin)) return undefined;
  if (policy.loopbackOrigins && isLoopback(parsed.hostname) && /^https?:$/.test(parsed.protocol))
    return undefined;
  return { status: 403, reason: 'Origin not allowed: add it to http.allowedOrigins' };
}
