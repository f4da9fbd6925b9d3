/**
 * Confluence's content and space ids are positive 64-bit integers that travel as strings. Confluence parses them
 * as integers (`0065540` is page 65540), so two spellings of one id must never compare as different: every id
 * from a caller is made canonical here before it is compared or sent.
 */

const MAX_ID = 2n ** 63n - 1n;

/** The canonical spelling of an id (decimal, no sign, no leading zeros), or undefined when it is not a valid id. */
export function canonicalId(text: string | number | undefined | null): string | undefined {
  if (text === undefined || text === null) return undefined;
  const value = String(text).trim();
  if (!/^\d{1,40}$/.test(value)) return undefined;
  const id = BigInt(value);
  return id > 0n && id <= MAX_ID ? id.toString() : undefined;
}
