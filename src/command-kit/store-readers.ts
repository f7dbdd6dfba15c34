// The readers of `webhook serve`'s events (`webhook tail`, `notify replay`, `notify recover`) read the journal file
// or the shared store, as store-url.ts decides. For the store they open a small pool (pg is loaded only then, so a
// journal reader never pays for it) on a schema this binary knows.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { isWxpayError } from '../protocol/errors.js';
import { redactStoreUrl } from '../protocol/redact.js';
import type { CommandContext } from '../runtime.js';
import type { Pool } from '../store/connect.js';
import { eachEvent } from '../store/webhook-read.js';
import type { JournalEntry } from '../webhook/capture.js';
import { ReplaySelection } from '../webhook/replay-source.js';
import { captureOfEvent, storeTailSource } from '../webhook/store-tail.js';
import { journalTailSource, type TailSource } from '../webhook/tail-source.js';
import { journalOrStore } from './store-url.js';

type StoreCtx = CommandContext<{ store?: string | undefined }>;

export async function openReaderPool(url: string): Promise<Pool> {
  const { openCheckedPool } = await import('../store/open.js');
  return openCheckedPool(url, { max: 2 });
}

/** A store that fails after it was opened (it went away, or a statement failed) is STORE_UNREACHABLE, exit 4,
 *  named without its password, rather than node-postgres's bare error. */
export async function storeErrors<T>(url: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isWxpayError(err)) throw err;
    const { unreachable } = await import('../store/connect.js');
    throw unreachable(url, err);
  }
}

export const storeName = (url: string): string => `the store ${redactStoreUrl(url)}`;

export async function openTailSource(ctx: StoreCtx, journal: string | undefined): Promise<TailSource> {
  const src = await journalOrStore(ctx, journal);
  if (src.kind === 'file') return journalTailSource(src.file);
  const pool = await openReaderPool(src.url);
  const source = storeTailSource(pool, storeName(src.url), { close: () => pool.end() });
  return {
    ...source,
    read: (visit) => storeErrors(src.url, source.read(visit)),
    follow: (visit, signal) => storeErrors(src.url, source.follow(visit, signal)),
  };
}

/** The captures `notify replay` sends from the store: each stored callback (or the one with `onlyId`) once, as
 *  received. Recovered events are left out: they were never a signed callback (a journal has no capture of them). */
export async function storeCaptures(url: string, onlyId: string | undefined): Promise<JournalEntry[]> {
  const pool = await openReaderPool(url);
  try {
    const sel = new ReplaySelection(onlyId);
    const read = eachEvent(pool, (r) => sel.add(captureOfEvent(r)), { onlyId, withoutRecovered: true });
    await storeErrors(url, read);
    return sel.captures;
  } finally {
    await pool.end();
  }
}

/** Writes the callbacks the store holds as journal lines (event type and order/refund numbers only) to `file`, for
 *  `notify recover`, which compares final states and bills with a journal. */
export async function exportStoreCallbacks(pool: Pool, file: string): Promise<number> {
  const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  const n = await eachEvent(pool, async (r) => {
    const res = (r.resource ?? {}) as { out_trade_no?: unknown; out_refund_no?: unknown };
    const line = { outcome: 'accepted', event_type: r.eventType, resource: pick(res) };
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  });
  out.end();
  await once(out, 'finish');
  return n;
}

const pick = (res: { out_trade_no?: unknown; out_refund_no?: unknown }) => ({
  out_trade_no: res.out_trade_no,
  out_refund_no: res.out_refund_no,
});
