// The whole payment flow offline: prepay -> simulated payer -> signed, encrypted notification at a local receiver
// (verified and decrypted with core) -> query SUCCESS -> refund -> refund notification -> refund query SUCCESS;
// and the notification retry schedule, scaled.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadApiV3Key, loadVerifierKeys } from '../../src/config/credentials.js';
import { verifyAndDecrypt } from '../../src/protocol/notification.js';
import { initSandbox, type SandboxInitResult } from '../../src/sandbox/keyset.js';
import { RETRY_SCHEDULE_SECONDS } from '../../src/sandbox/notifier.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A receiver that records every delivery and answers from a script (default 204). */
async function receiver(answers: number[] = []): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const status = answers[got.length - 1] ?? 204;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(status >= 300 ? JSON.stringify({ code: 'FAIL', message: '失败' }) : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, got, server };
}

async function waitFor<T>(what: string, fn: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 1000; i += 1) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let base: SandboxInitResult;
beforeAll(async () => {
  base = await sandboxKeySet('cert');
});

describe.each(['cert', 'pubkey'] as const)('full flow in %s mode', (mode) => {
  let t: TestSandbox;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    const init = await initSandbox({ dir: base.dir, mode }); // same keys, the rc switched to this mode
    t = await startTestSandbox(init, { autoRefundMs: -1 });
    rcv = await receiver();
  });
  afterAll(async () => {
    await t.sb.close();
    rcv.server.close();
  });

  it('prepay -> pay -> notification -> query -> refund -> notification -> refund query', async () => {
    const profile = await loadConfig({ cwd: t.init.dir, env: {} });
    const keys = await loadVerifierKeys(profile);
    const apiV3Key = await loadApiV3Key(profile, {});
    const open = (r: Received) =>
      verifyAndDecrypt({ headers: r.headers, rawBody: r.body, keys, apiV3Key, now: Math.floor(Date.now() / 1000) });

    const no = uniqueNo();
    expect((await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no, rcv.url))).status).toBe(200);
    expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
    const paid = open(await waitFor('payment notification', () => rcv.got[0]));
    expect(paid.verification.serial).toBe(mode === 'cert' ? t.init.platformSerial : t.init.publicKeyId);
    expect(paid.event).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      summary: '支付成功',
      resource: { original_type: 'transaction', associated_data: 'transaction' },
    });
    expect(paid.resource).toMatchObject({
      out_trade_no: no,
      trade_state: 'SUCCESS',
      trade_type: 'JSAPI',
      mchid: t.init.mchid,
      amount: { total: 100, payer_total: 100 },
    });

    const q = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
    expect(q.json).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.resource.transaction_id });
    expect(q.json.transaction_id).toMatch(/^4200\d{24}$/);

    const rno = uniqueNo('R');
    const refund = await t.call('POST', '/v3/refund/domestic/refunds', {
      transaction_id: q.json.transaction_id,
      out_refund_no: rno,
      notify_url: rcv.url,
      amount: { refund: 30, total: 100, currency: 'CNY' },
    });
    expect(refund.json.status).toBe('PROCESSING');
    expect((await t.admin('POST', `/sandbox/refunds/${rno}/complete`)).json.status).toBe('SUCCESS');
    const refunded = open(await waitFor('refund notification', () => rcv.got[1]));
    expect(refunded.event).toMatchObject({ event_type: 'REFUND.SUCCESS', resource: { original_type: 'refund' } });
    expect(refunded.resource).toMatchObject({
      out_refund_no: rno,
      refund_status: 'SUCCESS',
      amount: { refund: 30, total: 100 },
    });
    const rq = await t.call('GET', `/v3/refund/domestic/refunds/${rno}`);
    expect(rq.json).toMatchObject({ status: 'SUCCESS', refund_id: refund.json.refund_id });
    expect(rq.json.success_time).toMatch(/\+08:00$/);

    const log = (await t.admin('GET', '/sandbox/notifications')).json.data;
    expect(log.map((d: { eventType: string; delivered: boolean }) => [d.eventType, d.delivered])).toEqual([
      ['TRANSACTION.SUCCESS', true],
      ['REFUND.SUCCESS', true],
    ]);
    const state = (await t.admin('GET', '/sandbox/state')).json;
    expect(state.orders.find((o: { outTradeNo: string }) => o.outTradeNo === no)).toMatchObject({
      tradeState: 'REFUND',
      total: 100,
    });
  });
});

describe('notification retries', () => {
  it('a receiver that fails three times gets four attempts spaced 15s/15s/30s divided by timeScale', async () => {
    const timeScale = 500;
    const rcv = await receiver([500, 503, 404]);
    const t = await startTestSandbox(base, { timeScale, autoPayMs: 0 });
    try {
      const no = uniqueNo();
      await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no, rcv.url));
      const record = await waitFor('delivery', () => t.sb.notifications().find((d) => d.delivered));
      expect(rcv.got).toHaveLength(4);
      expect(record.attempts.map((a) => a.status)).toEqual([500, 503, 404, 204]);
      const scheduled = record.attempts.map((a) => a.scheduledDelayMs);
      expect(scheduled).toEqual([0, ...RETRY_SCHEDULE_SECONDS.slice(0, 3).map((s) => (s * 1000) / timeScale)]);
      expect(scheduled.slice(1)).toEqual([30, 30, 60]);
      // Wall time only loosely: each gap is at least what was scheduled (timers never fire early).
      for (let i = 1; i < 4; i += 1)
        expect(record.attempts[i]!.atMs - record.attempts[i - 1]!.atMs).toBeGreaterThanOrEqual(scheduled[i]! - 2);
      expect(new Set(rcv.got.map((g) => JSON.parse(g.body.toString()).id)).size).toBe(1);
    } finally {
      await t.sb.close();
      rcv.server.close();
    }
  });
});
