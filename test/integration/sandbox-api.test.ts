// The sandbox's /v3 behaviour: signed answers (204 included), real error bodies and statuses for every
// business rule, and the order and refund state machines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPublicKey, createKeyStore } from '../../src/protocol/keys.js';
import { verifySignature } from '../../src/protocol/verify.js';
import {
  jsapiBody,
  sandboxKeySet,
  startTestSandbox,
  uniqueNo,
  type RawResponse,
  type TestSandbox,
} from '../helpers/sandbox.js';
import { readFile } from 'node:fs/promises';

let t: TestSandbox;
let verifyKeys: ReturnType<typeof createKeyStore>;

beforeAll(async () => {
  const init = await sandboxKeySet('cert');
  t = await startTestSandbox(init, { autoRefundMs: -1 });
  verifyKeys = createKeyStore([[init.platformSerial, loadPublicKey(await readFile(init.platformCertPath))]]);
});
afterAll(() => t.sb.close());

const verified = (r: RawResponse) =>
  verifySignature({ headers: r.headers, body: r.body, keys: verifyKeys, now: Math.floor(Date.now() / 1000) });
const unsigned = (r: RawResponse) =>
  expect(Object.keys(r.headers).filter((h) => h.startsWith('wechatpay-'))).toEqual([]);

describe('sandbox /v3 API', () => {
  it('prepay answers a signed prepay_id; a repeat answers the same; changed params answer 403 OUT_TRADE_NO_USED', async () => {
    const no = uniqueNo();
    const r = await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no));
    expect(r.status).toBe(200);
    expect(r.json.prepay_id).toMatch(/^wx\d{14}\d{20}$/);
    expect(r.headers['request-id']).toMatch(/^[0-9A-F]{44}-0$/);
    expect(verified(r).serial).toBe(t.init.platformSerial);
    const again = await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no));
    expect(again.json.prepay_id).toBe(r.json.prepay_id);
    const changed = await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no, undefined, 101));
    expect(changed.status).toBe(403);
    expect(changed.json).toMatchObject({ code: 'OUT_TRADE_NO_USED' });
    unsigned(changed);
    expect(changed.headers['request-id']).toBeTruthy();
  });

  it('PARAM_ERROR naming the source of a missing, mistyped, unknown or malformed field', async () => {
    const base = jsapiBody(t.init, uniqueNo());
    const cases: Array<[object, string]> = [
      [{ ...base, payer: {} }, '/body/payer/openid'],
      [{ ...base, amount: { total: '100' } }, '/body/amount/total'],
      [{ ...base, amount: { total: 1, foo: 1 } }, '/body/amount/foo'],
      [{ ...base, out_trade_no: 'abc' }, '/body/out_trade_no'],
      [{ ...base, out_trade_no: 'has space 123' }, '/body/out_trade_no'],
      [{ ...base, description: undefined }, '/body/description'],
      [{ ...base, description: '笑😀' }, '/body/description'],
    ];
    for (const [body, source] of cases) {
      const r = await t.call('POST', '/v3/pay/transactions/jsapi', body);
      expect(r.status, source).toBe(400);
      expect(r.json.code, source).toBe('PARAM_ERROR');
      expect(JSON.stringify(r.json), source).toContain(source);
      expect(Object.keys(r.json.detail).sort(), source).toEqual(expect.arrayContaining(['location']));
      unsigned(r);
    }
    const h5 = await t.call('POST', '/v3/pay/transactions/h5', { ...base, payer: undefined });
    expect(h5.json).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringContaining('/body/scene_info') });
  });

  it('query, close (204 signed over the empty body) and the state machine', async () => {
    const no = uniqueNo();
    await t.call('POST', '/v3/pay/transactions/native', { ...jsapiBody(t.init, no), payer: undefined });
    const q = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
    expect(q.status).toBe(200);
    expect(q.json).toMatchObject({ trade_state: 'NOTPAY', out_trade_no: no, amount: { total: 100 } });
    const missing = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}`);
    expect(missing.json).toMatchObject({
      code: 'PARAM_ERROR',
      message: 'mchid参数不能为空',
      detail: { location: 'query' },
    });
    const closed = await t.call('POST', `/v3/pay/transactions/out-trade-no/${no}/close`, { mchid: t.init.mchid });
    expect(closed.status).toBe(204);
    expect(closed.body.length).toBe(0);
    expect(verified(closed).serial).toBe(t.init.platformSerial);
    const after = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
    expect(after.json.trade_state).toBe('CLOSED');
    expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(409);
    const nf = await t.call('GET', `/v3/pay/transactions/out-trade-no/NOPE${no}?mchid=${t.init.mchid}`);
    expect(nf.status).toBe(404);
    expect(nf.json).toMatchObject({ code: 'ORDER_NOT_EXIST' });
    const nf2 = await t.call('GET', `/v3/pay/transactions/id/4200000000000000000000000000?mchid=${t.init.mchid}`);
    expect(nf2.json).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });

  it('refund limits: INVALID_REQUEST over the remaining amount, idempotent out_refund_no, PROCESSING -> CLOSED', async () => {
    const no = uniqueNo();
    await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no));
    const early = await t.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: uniqueNo('R'),
      amount: { refund: 10, total: 100, currency: 'CNY' },
    });
    expect(early.json).toMatchObject({ code: 'INVALID_REQUEST' });
    const paid = await t.admin('POST', `/sandbox/orders/${no}/pay`);
    expect(paid.json).toMatchObject({ trade_state: 'SUCCESS' });
    const r1no = uniqueNo('R');
    const r1 = await t.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: r1no,
      amount: { refund: 60, total: 100, currency: 'CNY' },
    });
    expect(r1.json).toMatchObject({ status: 'PROCESSING', amount: { refund: 60, total: 100 } });
    const same = await t.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: r1no,
      amount: { refund: 60, total: 100, currency: 'CNY' },
    });
    expect(same.json.refund_id).toBe(r1.json.refund_id);
    const tooMuch = await t.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: uniqueNo('R'),
      amount: { refund: 41, total: 100, currency: 'CNY' },
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json).toEqual({ code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' });
    const wrongTotal = await t.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: uniqueNo('R'),
      amount: { refund: 1, total: 99, currency: 'CNY' },
    });
    expect(wrongTotal.json).toMatchObject({ code: 'PARAM_ERROR', detail: { location: 'body', value: 99 } });
    expect((await t.admin('POST', `/sandbox/refunds/${r1no}/fail`, { status: 'CLOSED' })).json.status).toBe('CLOSED');
    const q = await t.call('GET', `/v3/refund/domestic/refunds/${r1no}`);
    expect(q.json).toMatchObject({ status: 'CLOSED', out_refund_no: r1no });
    const nowFits = await t.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: uniqueNo('R'),
      amount: { refund: 100, total: 100, currency: 'CNY' },
    });
    expect(nowFits.json.status).toBe('PROCESSING');
    const order = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
    expect(order.json.trade_state).toBe('REFUND');
    const unknown = await t.call('GET', '/v3/refund/domestic/refunds/NOPE');
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('RESOURCE_NOT_EXISTS');
  });

  it('a body over 1 MiB is refused without being read; an unknown path answers 404 with a Request-ID', async () => {
    const big = await t.call(
      'POST',
      '/v3/pay/transactions/jsapi',
      JSON.stringify({ description: 'x'.repeat(1024 * 1024 + 10) }),
    );
    expect(big.status).toBe(413);
    expect(big.json.code).toBe('INVALID_REQUEST');
    const nf = await t.call('GET', '/v3/no/such/thing');
    expect(nf.status).toBe(404);
    expect(nf.headers['request-id']).toMatch(/-\d+$/);
  });

  it('stats count requests per route', async () => {
    const stats = await t.admin('GET', '/sandbox/stats');
    expect(stats.json.requests['POST /v3/pay/transactions/jsapi']).toBeGreaterThan(3);
  });
});
