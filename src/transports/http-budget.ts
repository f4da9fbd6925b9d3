import type { IncomingMessage } from 'node:http';
import { RequestError } from './http-io.js';

/**
 * Bounds the request bodies held at once across /mcp: each request reserves its declared size (or the largest
 * allowed, when it declares none) before its body is read, and gives it back when its answer is done. Past the
 * bound a request is answered 503 with Retry-After at once, so many large bodies arriving together cannot grow
 * the heap without limit.
 */
export class BodyBudget {
  #held = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes reserved now. */
  get held(): number {
    return this.#held;
  }

  /** Reserves room for `req`'s body (at most `maxBodyBytes`); returns the release, or throws a 503 RequestError. */
  reserve(req: IncomingMessage, maxBodyBytes: number): () => void {
    const declared = Number(req.headers['content-length']);
    const bytes =
      Number.isFinite(declared) && declared >= 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes;
    if (this.#held + bytes > this.maxBytes && this.#held > 0) {
      throw new RequestError(
        503,
        -32000,
        'Server busy: too many large requests are being handled at once. Nothing was run; retry in a second.',
        { 'retry-after': '1' },
      );
    }
    this.#held += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held -= bytes;
    };
  }
}
