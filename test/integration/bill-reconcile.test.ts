// bill reconcile (issue 17 acceptance): a sandbox day of 1,000 paid orders, one of them refunded; the merchant's
// file misses one order, has one extra, one wrong amount and the refunded order still marked paid; a sandbox fault
// drops two payment callbacks. The journal is written in `webhook serve`'s line shape (a real listener journalling
// 1,000 callbacks takes tens of seconds on a loaded machine; the journal reader itself is covered with a real
// listener by notify-recover.test.ts): from the notifications the sandbox delivered for the first CALLED orders
// (the drop fault, the refund's callback and the orders with findings are among them), and for the other orders,
// paid without a notification, the line their callback would have left. Delivering all 1,000 (an RSA signature, an
// encryption and an HTTP post each, ~2 CPU-s) checked nothing more: reconcile reads only the journal. The report
// lists exactly those six differences (the issue says "seven" but names six: one per item), and the command exits 8
// (RECONCILE_MISMATCH).
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../src/protocol/china-time.js';
import { markPaid, payOrder, prepay as sandboxPrepay } from '../../src/sandbox/orders.js';
import { createRefund } from '../../src/sandbox/refund-ops.js';
import type { AuthorizationFields } from '../../src/protocol/canonical.js';
import { orderKey } from '../../src/sandbox/state.js';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';

let env: BatchEnv;
let app: Server;
let appUrl = '';
const journal = () => path.join(env.dir, 'wxpay-webhooks.ndjson');
const N = 1000;
/** The orders paid with a real notification; the findings' orders (3, 7, 10) are among them. */
const CALLED = 20;
const nos = Array.from({ length: N }, (_, i) => `RCN${Date.now()}${String(i).padStart(4, '0')}`);
const fen = (i: number) => 100 + i;
let dropped: string[] = [];
const date = chinaDate(Date.now());

beforeAll(async () => {
  env = await batchEnv();
  // Today's orders are in today's bill, which WeChat Pay serves from 10:00 tomorrow: run the bill calendar 2 days ahead.
  env.sb.context.billClockOffsetMs = 2 * 86_400_000;
  app = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}/notify`;
  await env.admin('POST', '/sandbox/faults', { faults: [{ kind: 'drop', target: 'notifications', count: 2 }] });
  const auth = { mchid: env.init.mchid } as AuthorizationFields;
  nos.forEach((no, i) => {
    const body = {
      appid: env.init.appid,
      mchid: env.init.mchid,
      description: 'Tea',
      out_trade_no: no,
      notify_url: appUrl,
      amount: { total: fen(i), currency: 'CNY' },
    };
    sandboxPrepay(env.sb.context, 'native', false, body, auth);
    const order = env.sb.state.orders.get(orderKey(env.init.mchid, undefined, no))!;
    if (i < CALLED) payOrder(env.sb.context, order);
    else markPaid(env.sb.context, order);
  });
  // Order 10 is refunded in full: the refund callback reaches the journal, the merchant's file still says paid.
  createRefund(
    env.sb.context,
    {
      out_trade_no: nos[10],
      out_refund_no: `R${nos[10]}`,
      notify_url: appUrl,
      amount: { refund: fen(10), total: fen(10), currency: 'CNY' },
    },
    auth,
  );
  await env.admin('POST', `/sandbox/refunds/R${nos[10]}/complete`);
  const deliveries = env.sb.context.notifier.deliveries;
  const answered = () => deliveries.filter((d) => d.attempts.some((a) => a.status === 204)).length;
  // CALLED payments and the refund, less the two dropped.
  for (let i = 0; i < 1200 && answered() < CALLED - 1; i++) await new Promise((r) => setTimeout(r, 50));
  expect(answered()).toBe(CALLED - 1);
  dropped = deliveries.filter((d) => d.attempts.some((a) => a.fault === 'drop')).map((d) => d.outTradeNo!);
  expect(dropped).toHaveLength(2);
  const lines = deliveries
    .filter((d) => d.attempts.some((a) => a.status === 204))
    .map((d) => ({
      id: d.id,
      event_type: d.eventType,
      resource: { out_trade_no: d.outTradeNo, ...(d.outRefundNo ? { out_refund_no: d.outRefundNo } : {}) },
      outcome: 'accepted',
    }));
  for (const no of nos.slice(CALLED))
    lines.push({
      id: randomUUID(),
      event_type: 'TRANSACTION.SUCCESS',
      resource: { out_trade_no: no },
      outcome: 'accepted',
    });
  appendFileSync(journal(), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}, 120_000);

afterAll(async () => {
  await new Promise((r) => app?.close(r));
  await env?.close();
});

/** The merchant's file: order 3 missing, one extra, order 7 with a wrong amount, order 10 (refunded) still paid. */
function writeMine(): string {
  const rows = nos.flatMap((no, i) => (i === 3 ? [] : [`${no},${i === 7 ? fen(i) + 1 : fen(i)},PAID`]));
  const file = path.join(env.dir, 'mine.csv');
  writeFileSync(file, `order_id,total_fen,status\n${rows.join('\n')}\nEXTRA0001,500,PAID\n`);
  return file;
}

describe('bill reconcile', () => {
  it('lists exactly the missing, extra, wrong-amount, refunded-but-paid orders and the two lost callbacks; exit 8', async () => {
    const out = path.join(env.dir, 'report.json');
    const args = ['bill', 'reconcile', '--date', date, '--orders', writeMine(), '--journal', journal()];
    const map = ['--map', 'out_trade_no=order_id,amount=total_fen,state=status'];
    const r = await runInProcess([...args, ...map, '--out', out], { cwd: env.init.dir, env: env.env });
    expect(r.error).toMatchObject({ code: 'RECONCILE_MISMATCH' });
    expect(r.code).toBe(8);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      findings: Array<Record<string, string>>;
      billRows: number;
    };
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(report.billRows).toBe(N + 1);
    const got = report.findings.map((f) => `${f.category} ${f.out_trade_no} ${f.bill ?? ''}|${f.mine ?? ''}`).sort();
    const y = (f: number) => (f / 100).toFixed(2);
    expect(got).toEqual(
      [
        `missing_in_mine ${nos[3]} ${y(fen(3))}|`,
        `missing_in_bill EXTRA0001 |5.00`,
        `amount_mismatch ${nos[7]} ${y(fen(7))}|${y(fen(7) + 1)}`,
        `state_mismatch ${nos[10]} REFUND|SUCCESS`,
        ...dropped.map((no) => `paid_without_callback ${no} ${y(fen(nos.indexOf(no)))}|`),
      ].sort(),
    );
  }, 60_000);
});
