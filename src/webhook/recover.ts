// `notify recover`: which final states should have produced a callback that never reached the journal, and the
// "recovered" event an app gets for each. WeChat Pay never re-sends a callback it gave up on, and a recovered event
// cannot be a real signed callback, so it is marked `"recovered": true`, carries the queried object as its
// resource, and has a stable id (the same order always gives the same id), so the app and the journal dedupe it.
import { openAppendSafe } from '../files/safe-write.js';
import { callbackOf, refundEventFor } from '../journal/callbacks.js';
import { scanJournal } from '../journal/lines.js';

export interface ExpectedCallback {
  event_type: string;
  /** out_trade_no for TRANSACTION.*, out_refund_no for REFUND.* */
  ref: string;
  /** The queried order or refund: the resource of the recovered event. */
  resource: Record<string, unknown>;
}

/** A queried order's callback: TRANSACTION.SUCCESS once it was paid (a refunded order was paid first). */
export function expectedForOrder(o: Record<string, unknown>): ExpectedCallback | undefined {
  const state = o.trade_state;
  if ((state !== 'SUCCESS' && state !== 'REFUND') || typeof o.out_trade_no !== 'string') return undefined;
  return { event_type: 'TRANSACTION.SUCCESS', ref: o.out_trade_no, resource: o };
}

/** A queried refund's callback, once it reached a final state. */
export function expectedForRefund(r: Record<string, unknown>): ExpectedCallback | undefined {
  const event = typeof r.status === 'string' ? refundEventFor(r.status) : undefined;
  if (!event || typeof r.out_refund_no !== 'string') return undefined;
  return { event_type: event, ref: r.out_refund_no, resource: r };
}

const keyOf = (eventType: string, ref: string) => `${eventType}\u0000${ref}`;

/** The callbacks the journal holds (accepted or recovered), keyed by event type and order/refund number. */
export async function callbacksInJournal(file: string): Promise<Set<string>> {
  const seen = new Set<string>();
  await scanJournal(file, (line) => {
    const cb = callbackOf(line.bytes.toString('utf8'));
    const ref = cb?.eventType.startsWith('REFUND.') ? cb.outRefundNo : cb?.outTradeNo;
    if (cb && ref !== undefined) seen.add(keyOf(cb.eventType, ref));
  });
  return seen;
}

export const isInJournal = (seen: Set<string>, x: ExpectedCallback): boolean => seen.has(keyOf(x.event_type, x.ref));

export const recoveredId = (x: ExpectedCallback): string => `RECOVERED-${x.event_type}-${x.ref}`;

/** The body the app receives: shaped like a forwarded callback, with the queried object as the resource. */
export function recoveredEvent(x: ExpectedCallback, createTime: string): Record<string, unknown> {
  return {
    id: recoveredId(x),
    create_time: createTime,
    event_type: x.event_type,
    resource_type: 'recovered',
    summary: 'recovered by wxpay notify recover: WeChat Pay never delivered this callback',
    recovered: true,
    resource: x.resource,
  };
}

/** What the app receives for a recovered event: its body, signed like any forward, with these headers. */
export function recoveredMessage(x: ExpectedCallback, createTime: string) {
  const id = recoveredId(x);
  const body = recoveredEvent(x, createTime);
  const headers = {
    'content-type': 'application/json',
    'x-wxpay-event-id': id,
    'x-wxpay-event-type': x.event_type,
    'x-wxpay-recovered': 'true',
  };
  return { id, event: body, body: JSON.stringify(body), headers };
}

/** Appends the journal line of a recovered event (O_APPEND, one write, fsync), beside a running `webhook serve`. */
export async function journalRecovered(file: string, entry: Record<string, unknown>): Promise<void> {
  const fh = await openAppendSafe(file);
  try {
    await fh.write(`${JSON.stringify(entry)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
