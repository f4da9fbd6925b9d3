import { ConfluenceError, type RequestSummary } from './confluence-error.js';

/** 409: the write lost a race (stale version number) or collides with existing content (duplicate title). */
export class ConflictError extends ConfluenceError {
  override readonly name = 'ConflictError';
  override readonly kind = 'conflict';
  /** The version Confluence holds now, when its message says (`Current Version: [6]`). */
  readonly currentVersion: number | undefined;

  constructor(message: string, request: RequestSummary, detail?: string) {
    super(message, request, 409, detail);
    const match = detail ? /current version:?\s*\[?(\d+)/i.exec(detail) : null;
    this.currentVersion = match ? Number(match[1]) : undefined;
  }
}
