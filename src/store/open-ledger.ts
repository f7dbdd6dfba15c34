// Opening the batch ledger at a batch's start: connect, and refuse a schema behind or ahead of this binary's
// (the same check and the same `wxpay webhook migrate` as the webhook store: one schema, one migrations table).
import { openPool } from './connect.js';
import { batchLedgerStore, type BatchLedgerStore } from './batch-ledger.js';
import { checkSchema } from './migrations.js';

export interface OpenedLedger {
  ledger: BatchLedgerStore;
  close(): Promise<void>;
}

export async function openBatchLedger(url: string, connections: number): Promise<OpenedLedger> {
  const pool = await openPool(url, { max: connections });
  try {
    await checkSchema(pool, url);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return { ledger: batchLedgerStore(pool), close: () => pool.end() };
}
