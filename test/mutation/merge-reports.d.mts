// Types for merge-reports.mjs (plain JavaScript so that the mutation scripts run without a build).

export interface ReportTest {
  id: string;
  name: string;
  location?: { start: { line: number; column: number } };
  startPosition?: { line: number; column: number };
}
export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  coveredBy?: string[];
  killedBy?: string[];
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  [key: string]: unknown;
}
export interface Report {
  files: Record<string, { mutants: ReportMutant[]; [key: string]: unknown }>;
  testFiles?: Record<string, { source?: string; tests: ReportTest[] }>;
  [key: string]: unknown;
}

export function mergeReports(reports: Report[], currentSource?: (file: string) => string | undefined): Report;
export function score(report: Report): {
  files: number;
  mutants: number;
  survived: number;
  noCoverage: number;
  percent: number;
};
