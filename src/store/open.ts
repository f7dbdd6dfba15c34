// Opening the store at a command's start, for every use of it (the webhook store, the batch ledger, the readers):
// connect, and refuse a schema behind or ahead of this binary's (one schema and one `wxpay webhook migrate` for all).
import { batchLedgerStore, type BatchLedgerStore } from './batch-ledger.js';
import { openPool, type Pool } from './connect.js';
import { checkSchema } from './migrations.js';
import { webhookStore, type WebhookStore } from './webhook-events.js';

/** A pool on a store whose schema is this binary's; ended again when the check fails. */
export async function openCheckedPool(url: string, opts: { max?: number } = {}): Promise<Pool> {
  const pool = await openPool(url, opts);
  try {
    await checkSchema(pool, url);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return pool;
}

export interface OpenedStore {
  store: WebhookStore;
  close(): Promise<void>;
}

/** `connections`: the pool's size (default: openPool's 10). */
export async function openWebhookStore(url: string, connections?: number): Promise<OpenedStore> {
  const pool = await openCheckedPool(url, connections === undefined ? {} : { max: connections });
  return { store: webhookStore(pool), close: () => pool.end() };
}

export interface OpenedLedger {
  ledger: BatchLedgerStore;
  close(): Promise<void>;
}

export async function openBatchLedger(url: string, connections: number): Promise<OpenedLedger> {
  const pool = await openCheckedPool(url, { max: connections });
  return { ledger: batchLedgerStore(pool), close: () => pool.end() };
}
