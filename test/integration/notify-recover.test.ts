// notify recover (issue 17): a sandbox fault drops 3 of 50 notifications for good; `notify recover --forward`
// finds exactly those 3 by querying the orders, forwards each once to the app (signed, marked recovered, with a
// stable webhook-id), journals them, and a second run forwards nothing.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyStore, loadPublicKey } from '../../src/protocol/keys.js';
import { apiV3KeyFrom } from '../../src/protocol/aead.js';
import { readFileSync } from 'node:fs';
import { payOrder, prepay as sandboxPrepay } from '../../src/sandbox/orders.js';
import { createRefund } from '../../src/sandbox/refund-ops.js';
import type { AuthorizationFields } from '../../src/protocol/canonical.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { readForwardSecret } from '../../src/webhook/forward-secret.js';
import { verifyForward } from '../../src/webhook/signing.js';
import { acknowledgedIds } from '../../src/webhook/journal.js';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';

let env: BatchEnv;
let listener: WebhookServer;
let app: Server;
let appUrl = '';
const received: Array<{ id: string; recovered: boolean; event_type: string; out_trade_no: string }> = [];
const journal = () => path.join(env.dir, 'wxpay-webhooks.ndjson');

/** Resolves once the clock has passed the next whole second, with that second. */
async function nextWholeSecond(): Promise<number> {
  const boundary = Math.floor(Date.now() / 1000) * 1000 + 1000;
  while (Date.now() < boundary) await new Promise((r) => setTimeout(r, boundary - Date.now()));
  return boundary;
}

beforeAll(async () => {
  env = await batchEnv();
  const keys = createKeyStore([[env.init.publicKeyId, loadPublicKey(readFileSync(env.init.publicKeyPath))]]);
  listener = await startWebhookServer({
    port: 0,
    keys,
    apiV3Key: apiV3KeyFrom(readFileSync(env.init.apiV3KeyPath, 'utf8').trim()),
    journalPath: journal(),
  });
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void readForwardSecret(journal()).then((secret) => {
        const body = Buffer.concat(chunks);
        const { id } = verifyForward({ secret: secret!, headers: req.headers, body });
        const e = JSON.parse(body.toString()) as {
          recovered?: boolean;
          event_type: string;
          resource: { out_trade_no: string };
        };
        received.push({
          id,
          recovered: e.recovered === true,
          event_type: e.event_type,
          out_trade_no: e.resource.out_trade_no,
        });
        res.writeHead(204).end();
      });
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}/notify`;
});

afterAll(async () => {
  await listener?.close();
  await new Promise((r) => app?.close(r));
  await env?.close();
});

/** Orders of 1.00 CNY paid straight in the sandbox's order logic, their callbacks sent to the listener. */
function payAll(nos: string[]): void {
  for (const no of nos) {
    const body = {
      appid: env.init.appid,
      mchid: env.init.mchid,
      description: 'Tea',
      out_trade_no: no,
      notify_url: listener.url,
      amount: { total: 100, currency: 'CNY' },
    };
    sandboxPrepay(env.sb.context, 'native', false, body, { mchid: env.init.mchid } as AuthorizationFields);
    payOrder(env.sb.context, env.sb.state.orderByOutTradeNo(no)!);
  }
}

describe('notify recover', () => {
  it('forwards exactly the 3 dropped callbacks once, even when run twice', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    await env.admin('POST', '/sandbox/faults', { faults: [{ kind: 'drop', target: 'notifications', count: 3 }] });
    const nos = Array.from({ length: 50 }, (_, i) => `REC${Date.now()}${String(i).padStart(3, '0')}`);
    payAll(nos);
    for (let i = 0; i < 400 && (await acknowledgedIds(journal())).size < 47; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await acknowledgedIds(journal())).size).toBe(47);
    const dropped = env.sb.context.notifier.deliveries.filter((d) => d.attempts.some((a) => a.fault === 'drop'));
    expect(dropped).toHaveLength(3);

    const orders = path.join(env.dir, 'orders.txt');
    writeFileSync(orders, `out_trade_no\n${nos.join('\n')}\n`);
    const args = ['notify', 'recover', '--since', since, '--orders', orders, '--journal', journal(), '--json'];
    const listed = await runInProcess([...args, '--dry-run'], { cwd: env.init.dir, env: env.env });
    expect(listed.code).toBe(0);
    const want = dropped.map((d) => d.outTradeNo).sort();
    expect((JSON.parse(listed.stdout) as { missing: Array<{ ref: string }> }).missing.map((m) => m.ref).sort()).toEqual(
      want,
    );
    expect(received).toEqual([]);

    const first = await runInProcess([...args, '--forward', appUrl], { cwd: env.init.dir, env: env.env });
    expect(first.code).toBe(0);
    expect(received.map((r) => r.out_trade_no).sort()).toEqual(want);
    expect(received.every((r) => r.recovered && r.event_type === 'TRANSACTION.SUCCESS')).toBe(true);
    expect(new Set(received.map((r) => r.id)).size).toBe(3);

    const second = await runInProcess([...args, '--forward', appUrl], { cwd: env.init.dir, env: env.env });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ checked: 50, missing: [], forwarded: [] });
    expect(received).toHaveLength(3);
  });

  it('finds lost payment and refund callbacks from the trade bill alone, forwards them once (recover-from-bills)', async () => {
    // Two orders paid just before the window, with their callbacks journalled: they must not be counted.
    const journalled = () => acknowledgedIds(journal()).then((ids) => ids.size);
    const early = (await journalled()) + 2;
    payAll([`RCE${Date.now()}001`, `RCE${Date.now()}002`]);
    for (let i = 0; i < 400 && (await journalled()) < early; i++) await new Promise((r) => setTimeout(r, 50));
    // The bill's times have whole seconds. Start the window on a fresh second boundary, after every earlier
    // payment, so that every row of this test (paid at or after it) is in the window and none of theirs is.
    const since = new Date(await nextWholeSecond()).toISOString();
    const nos = Array.from({ length: 20 }, (_, i) => `RCB${Date.now()}${String(i).padStart(3, '0')}`);
    const auth = { mchid: env.init.mchid } as AuthorizationFields;
    await env.admin('POST', '/sandbox/faults', { faults: [{ kind: 'drop', target: 'notifications', count: 2 }] });
    const before = env.sb.context.notifier.deliveries.length;
    const base = (await journalled()) + 18;
    payAll(nos);
    // The two dropped are payments; then a refund whose callback is dropped too.
    for (let i = 0; i < 400 && (await journalled()) < base; i++) await new Promise((r) => setTimeout(r, 50));
    await env.admin('POST', '/sandbox/faults', { faults: [{ kind: 'drop', target: 'notifications', count: 1 }] });
    createRefund(
      env.sb.context,
      {
        out_trade_no: nos[5],
        out_refund_no: `R${nos[5]}`,
        notify_url: listener.url,
        amount: { refund: 100, total: 100, currency: 'CNY' },
      },
      auth,
    );
    await env.admin('POST', `/sandbox/refunds/R${nos[5]}/complete`);
    const deliveries = () => env.sb.context.notifier.deliveries.slice(before);
    const refundTried = () => deliveries().some((d) => d.outRefundNo !== undefined && d.attempts.length > 0);
    for (let i = 0; i < 400 && !refundTried(); i++) await new Promise((r) => setTimeout(r, 50));
    const lost = deliveries()
      .filter((d) => d.attempts.some((a) => a.fault === 'drop'))
      .map((d) => d.outRefundNo ?? d.outTradeNo)
      .sort();
    expect(lost).toHaveLength(3);
    // Today's orders are in today's bill, which WeChat Pay serves from 10:00 tomorrow: run the bill calendar ahead.
    env.sb.context.billClockOffsetMs = 2 * 86_400_000;
    const already = received.length;
    const args = ['notify', 'recover', '--since', since, '--journal', journal(), '--forward', appUrl, '--json'];
    const first = await runInProcess(args, { cwd: env.init.dir, env: env.env });
    expect(first.code).toBe(0);
    const got = JSON.parse(first.stdout) as { checked: number; missing: Array<{ ref: string; event_type: string }> };
    expect(got.missing.map((m) => m.ref).sort()).toEqual(lost);
    expect(got.checked).toBe(21);
    const refund = got.missing.find((m) => m.ref === `R${nos[5]}`);
    expect(refund?.event_type).toBe('REFUND.SUCCESS');
    expect(
      received
        .slice(already)
        .map((r) => r.event_type)
        .sort(),
    ).toEqual(['REFUND.SUCCESS', 'TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESS']);
    const second = await runInProcess(args, { cwd: env.init.dir, env: env.env });
    expect(JSON.parse(second.stdout)).toMatchObject({ missing: [], forwarded: [] });
    expect(received).toHaveLength(already + 3);
  });

  it('needs --since and an orders or refunds file (exit 2 with a hint)', async () => {
    const noSince = await runInProcess(['notify', 'recover', '--orders', 'x'], { cwd: env.init.dir, env: env.env });
    expect(noSince.code).toBe(2);
    expect(noSince.error).toMatchObject({ code: 'USAGE', hint: expect.stringContaining('RFC 3339') });
    const nothing = await runInProcess(['notify', 'recover', '--since', '2026-12-01', '--no-bills'], {
      cwd: env.init.dir,
      env: env.env,
    });
    expect(nothing.code).toBe(2);
    expect(nothing.error).toMatchObject({ code: 'USAGE', message: expect.stringContaining('--orders') });
  });
});
