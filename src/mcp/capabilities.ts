import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Caller, StoreRecords } from '../auth/index.js';

/** The part of the token store capability memory uses. */
export interface CapabilityStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
}

const KEEP_MS = 30 * 86_400_000;

/**
 * The client capabilities each caller declared at `initialize`, kept in the token store: a stateless HTTP server
 * answers every request with a new server that never saw the client's initialize, and any instance may answer.
 * Only what decides behaviour is kept: whether the client can open URLs for the user (URL elicitation).
 */
export class CapabilityMemory {
  readonly #store: CapabilityStore;
  readonly #records: StoreRecords;

  constructor(store: CapabilityStore, records: StoreRecords) {
    this.#store = store;
    this.#records = records;
  }

  /** Keeps what `capabilities` says about URL elicitation for the caller, for 30 days. */
  async remember(caller: Caller, capabilities: ClientCapabilities): Promise<void> {
    const elicitation =
      capabilities.elicitation && 'url' in capabilities.elicitation ? { url: {} } : undefined;
    await this.#store.set(
      this.#records.capabilities(caller.userKey),
      elicitation ? { elicitation } : {},
      KEEP_MS,
    );
  }

  /** What the caller's client declared when it last initialized; undefined when unknown or for no caller. */
  recall(caller: Caller | undefined): Promise<ClientCapabilities | undefined> {
    return caller
      ? this.#store.get<ClientCapabilities>(this.#records.capabilities(caller.userKey))
      : Promise.resolve(undefined);
  }
}
