import type { ApplyResult } from '../../src/content/preservation.js';

/** The storage an edit saves; throws with the refusal when it was refused. */
export function saved(result: ApplyResult): string {
  if ('refused' in result) throw new Error(result.refused);
  return result.storage;
}

/** The refusal of an edit; throws when it was saved. */
export function refusal(result: ApplyResult): string {
  if ('storage' in result) throw new Error('expected a refusal');
  return result.refused;
}
