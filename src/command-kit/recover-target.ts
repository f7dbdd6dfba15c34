// What `notify recover` compares with and where its recovered events go: the journal file (forwarded by recover
// itself with --forward, then journalled), or the shared store. The store's callbacks are written to a temporary
// journal (event type and order/refund numbers only), so the bills and the queried states are compared with the
// same code; and with --enqueue each missing event is stored with its outbox row in one statement, marked
// recovered, so the listeners' forwarders send it (once each, with its stable id) and a second run finds it stored.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { tempRoot, type CommandContext } from '../runtime.js';
import { enqueueRecovered } from '../store/webhook-read.js';
import * as recover from '../webhook/recover.js';
import { loadProfile } from './shared.js';
import { exportStoreCallbacks, openReaderPool, storeErrors, storeName } from './store-readers.js';
import type { JournalOrStore } from './store-url.js';

export interface RecoverTarget {
  /** The journal to compare with (with a store: its callbacks, written to a temporary file). */
  journal: string;
  /** What the callbacks were read from, for messages. */
  name: string;
  /** With a store: stores these as recovered events with their outbox rows; the ids that were new. */
  enqueue?: (missing: recover.ExpectedCallback[], createTime: string) => Promise<string[]>;
  close(): Promise<void>;
}

export async function openRecoverTarget(
  ctx: CommandContext<{ forward?: string | undefined; enqueue?: boolean | undefined }>,
  source: JournalOrStore,
): Promise<RecoverTarget> {
  if (source.kind === 'file') {
    if (ctx.opts.enqueue)
      throw new WxpayError('USAGE', '--enqueue needs the store (--store, WXPAY_STORE or `store` in the profile)', {
        hint: 'Without a store, --forward <url> sends the recovered events to the app itself.',
      });
    return { journal: source.file, name: source.file, close: () => Promise.resolve() };
  }
  if (ctx.opts.forward)
    throw new WxpayError(
      'USAGE',
      'With the store, recovered events go through its outbox: use --enqueue, not --forward',
      {
        hint: "The listeners' forwarders (webhook serve --store --forward-to) send them, signed, once each.",
      },
    );
  const { mchid } = await loadProfile(ctx);
  if (!mchid)
    throw new WxpayError('CONFIG_INVALID', 'notify recover --store needs the merchant id (mchid) of the profile', {
      hint: 'Events are stored under (mchid, event id): set mchid in the profile or WXPAY_MCHID.',
    });
  const pool = await openReaderPool(source.url);
  const dir = await mkdtemp(path.join(tempRoot(ctx.rt), 'wxpay-recover-store-'));
  const close = async () => {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  };
  const journal = path.join(dir, 'store-callbacks.ndjson');
  await storeErrors(source.url, exportStoreCallbacks(pool, journal)).catch(async (err: unknown) => {
    await close();
    throw err;
  });
  const by = `notify recover on ${os.hostname()}`;
  return {
    journal,
    name: storeName(source.url),
    enqueue: (missing, createTime) => {
      const events = missing.map((x) => {
        const m = recover.recoveredMessage(x, createTime);
        const message = { body: m.body, headers: m.headers };
        return { mchid, id: m.id, eventType: x.event_type, resource: x.resource, message };
      });
      return storeErrors(source.url, enqueueRecovered(pool, events, by));
    },
    close,
  };
}
