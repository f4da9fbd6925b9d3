/**
 * Whether a token store answers now, for `/readyz`: a shared store (Redis) is asked for a record (`probe`) and must
 * answer within `timeoutMs`; a file or memory store lives with the process and is always ready.
 */
export function storeReadiness(
  kind: string,
  probe: () => Promise<unknown>,
  timeoutMs = 1000,
): () => Promise<boolean> {
  if (!kind.startsWith('redis')) return async () => true;
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([probe().then(() => true), late]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
}
