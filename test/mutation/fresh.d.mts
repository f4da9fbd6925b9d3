// Types for fresh.mjs (plain JavaScript so that the mutation scripts run without a build).
import type { Report } from './merge-reports.mjs';

export function filesOf(pattern: string, root?: string): string[];
export function staleness(
  report:
    | Pick<Report, 'files' | 'testFiles'>
    | {
        files: Record<string, { source?: string }>;
        testFiles?: Record<string, { source?: string; tests: unknown[] }>;
      },
  patterns: string[],
  root?: string,
): string[];

export function withFilesWithoutMutants<R extends { files: Record<string, unknown> }>(
  report: R,
  patterns: string[],
  root?: string,
): R;
