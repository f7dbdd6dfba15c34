// Issue 20 end to end, in both key modes, with the real bin/wxpay: a combine order (合单) of two sub-orders,
// prepaid, paid through the sandbox, queried (both SUCCESS), listed in the trade bill, and its combine
// TRANSACTION.SUCCESS received by a spawned `webhook serve`; a second combine order queried and closed whole.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../src/protocol/china-time.js';
import { waitFor } from '../helpers/receiver.js';
import { sandboxEnv, type Env } from './cmd-sandbox-helpers.js';
import { webhookServe, type Listener } from './webhook-serve-helper.js';

describe.each(['cert', 'pubkey'] as const)('combine payments in %s mode', (mode) => {
  let env: Env;
  let hook: Listener;
  let mchid: string;
  const stamp = `${Date.now()}`.slice(-9);
  beforeAll(async () => {
    // The trade bill for today is served from 10:00 tomorrow: run the bill calendar 2 days ahead.
    env = await sandboxEnv(mode, { billClockOffsetMs: 2 * 86_400_000 });
    hook = await webhookServe(env.dir);
    mchid = env.sb.context.keys.mchid;
  });
  afterAll(async () => {
    hook.child.kill('SIGTERM');
    await env.close();
  });

  const prepay = (combineNo: string, subs: string[]) =>
    env.cli([
      'prepay',
      'combine',
      'native',
      '--out-trade-no',
      combineNo,
      ...subs.flatMap((s) => ['--sub-order', s]),
      '--notify-url',
      hook.url,
      '--json',
    ]);

  it('two sub-orders: prepaid, paid together, queried, billed and notified in the combine shape', async () => {
    const combineNo = `C${stamp}`;
    const [a, b] = [`SA${stamp}`, `SB${stamp}`];
    const p = await prepay(combineNo, [`${a}:${mchid}:100:Tea`, `${b}:${mchid}:250:Cup: blue`]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.json()).toMatchObject({
      combine_out_trade_no: combineNo,
      code_url: expect.stringMatching(/^weixin:\/\//),
    });

    const pay = await env.cli(['sandbox', 'pay', combineNo]);
    expect(pay.code, pay.stderr).toBe(0);
    expect(pay.stdout).toMatch(new RegExp(`${a}\\s+SUCCESS`));

    const q = await env.cli(['query', '--combine', combineNo, '--json']);
    expect(q.code, q.stderr).toBe(0);
    const order = q.json() as { combine_mchid: string; sub_orders: Array<Record<string, unknown>> };
    expect(order.combine_mchid).toBe(mchid);
    expect(
      order.sub_orders.map((s) => [s.out_trade_no, s.trade_state, (s.amount as { total_amount: number }).total_amount]),
    ).toEqual([
      [a, 'SUCCESS', 100],
      [b, 'SUCCESS', 250],
    ]);
    expect(order.sub_orders[0]!.transaction_id).not.toBe(order.sub_orders[1]!.transaction_id);

    const table = await env.cli(['query', '--combine', combineNo]);
    expect(table.stdout).toMatch(new RegExp(`${b}\\s+SUCCESS  250 fen  \\d{28}`));

    const closePaid = await env.cli(['close', '--combine', combineNo, '--json']);
    expect([closePaid.code, closePaid.error().code]).toEqual([5, 'WECHATPAY_ERROR']);
    expect(closePaid.stderr).toContain('ORDERPAID');

    const event = await waitFor('combine TRANSACTION.SUCCESS at webhook serve', () =>
      hook.events.find((e) => e.combine_out_trade_no === combineNo && e.outcome === 'accepted'),
    );
    expect(event).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      sub_orders: [a, b],
      amount: 350,
      state: 'SUCCESS',
    });
    const journal = readFileSync(path.join(env.dir, 'journal.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { outcome?: string; resource?: { combine_out_trade_no?: string; sub_orders?: unknown[] } },
      );
    const resource = journal.find(
      (j) => j.outcome === 'accepted' && j.resource?.combine_out_trade_no === combineNo,
    )!.resource!;
    expect(resource.sub_orders).toHaveLength(2);

    const bill = await env.cli(['bill', 'trade', '--date', chinaDate(Date.now()), '--format', 'ndjson']);
    expect(bill.code, bill.stderr).toBe(0);
    expect(bill.stdout).toContain(a);
    expect(bill.stdout).toContain(b);
  }, 120_000);

  it('closed whole: both sub-orders CLOSED, and a repeat prepay answers ORDER_CLOSED', async () => {
    const combineNo = `D${stamp}`;
    const subs = [`TA${stamp}:${mchid}:100:Tea`, `TB${stamp}:${mchid}:100:Tea`];
    expect((await prepay(combineNo, subs)).code).toBe(0);
    const c = await env.cli(['close', '--combine', combineNo, '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.json()).toEqual({
      combine_out_trade_no: combineNo,
      sub_orders: [`TA${stamp}`, `TB${stamp}`],
      closed: true,
    });
    const q = await env.cli(['query', '--combine', combineNo, '--json']);
    expect((q.json() as { sub_orders: Array<{ trade_state: string }> }).sub_orders.map((s) => s.trade_state)).toEqual([
      'CLOSED',
      'CLOSED',
    ]);
    const again = await prepay(combineNo, subs);
    expect(again.stderr).toContain('ORDER_CLOSED');
  }, 120_000);

  it('refuses one sub-order and a malformed spec before any request (exit 2)', async () => {
    const one = await prepay(`E${stamp}`, [`UA${stamp}:${mchid}:100:Tea`]);
    expect([one.code, one.error().code]).toEqual([2, 'USAGE']);
    const bad = await prepay(`E${stamp}`, [`UA${stamp}:${mchid}:100`, `UB${stamp}:${mchid}:1:x`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('description is missing');
  });
});
