// `wxpay notify recover --since <time> [--orders <file>] [--refunds <file>] [--forward <url>]`: queries the listed
// orders and refunds, keeps those whose final state (paid, refund succeeded/abnormal/closed) falls in the window,
// adds the payments and refunds of the window's trade bills (command-kit/recover-bills.ts; --no-bills skips them),
// and lists the ones whose callback never reached the journal. With --forward, each is sent to the app once as a
// recovered event, signed like any forward, and journalled as recovered, so a second run forwards nothing again.
// With a store (--store, WXPAY_STORE or the profile's) it checks the store instead, and --enqueue hands each missing
// one to the listeners' forwarders through the store's outbox (command-kit/recover-target.ts).
import { queryOrder } from '../api/transactions.js';
import { queryRefund } from '../api/refunds.js';
import { chinaRfc3339, parseChinaTime } from '../protocol/china-time.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyRecoverOptions } from '../cli/notify.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor, readInput } from '../command-kit/shared.js';
import { forwardSecret } from '../webhook/forward-secret.js';
import { createForwarder, type Forward, type ForwardResult } from '../webhook/forwarder.js';
import { refuseForwardCredentials } from '../command-kit/forward-url.js';
import * as recover from '../webhook/recover.js';
import { expectedFromBills } from '../command-kit/recover-bills.js';
import { openRecoverTarget, type RecoverTarget } from '../command-kit/recover-target.js';
import { journalOrStore } from '../command-kit/store-url.js';

const timeOption = (value: string | undefined, name: string, now: number, fallback?: number): number => {
  const ms = value === undefined ? fallback : parseChinaTime(value, now);
  if (ms === undefined || Number.isNaN(ms))
    throw new WxpayError('USAGE', `${name} ${value === undefined ? 'is required' : `"${value}" is not a time`}`, {
      hint: `e.g. ${name} 2026-12-01T00:00:00+08:00 (RFC 3339) or ${name} 2026-12-01 / today / yesterday (from 00:00 China time)`,
    });
  return ms;
};

/** One number per line, or the first column of a CSV (a header line naming the column is skipped). */
async function numbersIn(ctx: CommandContext, file: string | undefined, what: string): Promise<string[]> {
  if (!file) return [];
  const text = (await readInput(ctx.rt, file, what)).toString('utf8');
  const all = text.split(/\r?\n/).map((l) => (l.split(',')[0] ?? '').trim().replace(/^"|"$/g, ''));
  return [...new Set(all.filter((n) => n && !/^out_(trade|refund)_no$/.test(n)))];
}

const finishedAt = (x: recover.ExpectedCallback): number => {
  const t = x.resource.success_time ?? x.resource.create_time;
  return typeof t === 'string' ? Date.parse(t) : Number.NaN;
};

/** The final states to check: the listed orders and refunds (queried, kept if they ended in the window), and those
 *  of the window's trade bills that have no callback in the journal (unless --no-bills). */
async function expected(ctx: CommandContext<NotifyRecoverOptions>, window: [number, number], journal: string) {
  const [orders, refunds] = [
    await numbersIn(ctx, ctx.opts.orders, 'orders file'),
    await numbersIn(ctx, ctx.opts.refunds, 'refunds file'),
  ];
  if (!orders.length && !refunds.length && !ctx.opts.bills)
    throw new WxpayError(
      'USAGE',
      'Nothing to check: give --orders <file> and/or --refunds <file>, or drop --no-bills',
      {
        hint: 'A file of out_trade_no (or out_refund_no) values, one per line or as the first CSV column.',
      },
    );
  const queried: recover.ExpectedCallback[] = [];
  const bills = await withClient(ctx, async ({ client }) => {
    for (const outTradeNo of orders) {
      const x = recover.expectedForOrder(await queryOrder(client, { outTradeNo }));
      if (x) queried.push(x);
    }
    for (const outRefundNo of refunds) {
      const x = recover.expectedForRefund(await queryRefund(client, outRefundNo));
      if (x) queried.push(x);
    }
    return ctx.opts.bills ? expectedFromBills(ctx.rt, client, window, journal) : undefined;
  });
  const inWindow = queried.filter((x) => finishedAt(x) >= window[0] && finishedAt(x) <= window[1]);
  const byId = new Map([...inWindow, ...(bills?.found ?? [])].map((x) => [recover.recoveredId(x), x]));
  return { found: [...byId.values()], checked: inWindow.length + (bills?.checked ?? 0), skipped: bills?.skipped ?? [] };
}

async function forwardAll(
  ctx: CommandContext<NotifyRecoverOptions>,
  journal: string,
  missing: recover.ExpectedCallback[],
) {
  const { secret } = await forwardSecret(journal);
  const send = createForwarder({ url: ctx.opts.forward!, secret });
  try {
    return await forwardEach(ctx, journal, missing, send);
  } finally {
    send.close();
  }
}

async function forwardEach(
  ctx: CommandContext<NotifyRecoverOptions>,
  journal: string,
  missing: recover.ExpectedCallback[],
  send: Forward,
) {
  const results: Array<{ x: recover.ExpectedCallback; result: ForwardResult }> = [];
  for (const x of missing) {
    const m = recover.recoveredMessage(x, chinaRfc3339(ctx.rt.now()));
    const result = await send({ id: m.id, body: m.body, headers: m.headers });
    results.push({ x, result });
    if (result.ok)
      await recover.journalRecovered(journal, {
        ...m.event,
        outcome: 'recovered',
        forward: result,
        at: new Date(ctx.rt.now()).toISOString(),
      });
  }
  return results;
}

export async function run(ctx: CommandContext<NotifyRecoverOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const window: [number, number] = [
    timeOption(opts.since, '--since', rt.now()),
    timeOption(opts.until, '--until', rt.now(), rt.now()),
  ];
  if (opts.forward) refuseForwardCredentials('--forward', opts.forward);
  if (opts.forward && !/^https?:\/\//.test(opts.forward))
    throw new WxpayError('USAGE', `--forward must be an http(s) URL, got "${opts.forward}"`, {
      hint: 'e.g. --forward http://127.0.0.1:3000/notify',
    });
  const target = await openRecoverTarget(ctx, await journalOrStore(ctx, opts.journal));
  try {
    await recoverInto(ctx, window, target);
  } finally {
    await target.close();
  }
}

async function recoverInto(ctx: CommandContext<NotifyRecoverOptions>, window: [number, number], target: RecoverTarget) {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const { found, checked, skipped } = await expected(ctx, window, target.journal);
  if (skipped.length)
    out.note(`no trade bill (yet) for ${skipped.join(', ')}: give those days' orders with --orders/--refunds`);
  const seen = await recover.callbacksInJournal(target.journal);
  const missing = found.filter((x) => !recover.isInJournal(seen, x));
  const act = !opts.dryRun;
  const sent = opts.forward && act ? await forwardAll(ctx, target.journal, missing) : [];
  const queued = target.enqueue && opts.enqueue && act ? await target.enqueue(missing, chinaRfc3339(rt.now())) : [];
  const failed = sent.filter((s) => !s.result.ok);
  if (out.json)
    out.data({
      checked,
      billsSkipped: skipped,
      missing: missing.map((x) => ({ event_type: x.event_type, ref: x.ref, id: recover.recoveredId(x) })),
      forwarded: sent.map((s) => ({ id: recover.recoveredId(s.x), ...s.result })),
      ...(target.enqueue ? { enqueued: queued } : {}),
    });
  else {
    out.note(`${checked} final states in the window, ${missing.length} without a callback in ${target.name}`);
    for (const x of missing) {
      const s = sent.find((r) => r.x === x)?.result;
      const fate = queued.includes(recover.recoveredId(x))
        ? 'recovered, queued for the forwarders'
        : !s
          ? 'missing'
          : s.ok
            ? `recovered, forwarded ${s.status}`
            : `forward FAILED: ${s.error ?? s.status}`;
      out.line(`${x.event_type}  ${x.ref}  ${String(x.resource.trade_state ?? x.resource.status)}  ${fate}`);
    }
  }
  if (failed.length)
    throw new WxpayError('NOTIFY_DELIVERY_FAILED', `${failed.length} recovered event(s) were not accepted by the app`, {
      hint: 'Check that the app at --forward is up and answers 2xx; run the same command again to retry them.',
    });
}
