// Types for split.mjs (plain JavaScript so that the mutation scripts run without a build).
import type { Report } from './merge-reports.mjs';

export function partOf(report: Report, patterns: string[], root?: string): Report;
export function carryRechecks(
  previous: Report,
  part: Report,
  readSource: (file: string) => string | undefined,
): number;
