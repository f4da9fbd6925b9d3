// Types for groups.mjs (plain JavaScript so that the mutation scripts run without a build).
export const groups: Record<string, string[]>;
export const guardedFolders: string[];
export function partFile(name: string): string;
