// Opening the webhook store at start: connect, refuse a schema that is behind or ahead of this binary's, and hand
// back the store with the pool's end.
import { checkSchema } from './migrations.js';
import { openPool } from './connect.js';
import { webhookStore, type WebhookStore } from './webhook-events.js';

export interface OpenedStore {
  store: WebhookStore;
  close(): Promise<void>;
}

export async function openWebhookStore(url: string): Promise<OpenedStore> {
  const pool = await openPool(url);
  try {
    await checkSchema(pool, url);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return { store: webhookStore(pool), close: () => pool.end() };
}
