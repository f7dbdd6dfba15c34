// Batch operations over the API functions, with a fake client: which answers count as done, refused, unknown
// or "not found"; refund sends go out with the client's own retries off; a refused look-up is never "done".
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/batch/classify.js';
import { opsFor, requestOf } from '../../src/batch/ops.js';
import type { BatchRow } from '../../src/batch/types.js';
import type { ClientRequest, WxpayClient } from '../../src/http/client.js';
import { WxpayError } from '../../src/protocol/errors.js';

const wpError = (status: number, code: string, message = code) =>
  new WxpayError('WECHATPAY_ERROR', `HTTP ${status} ${code}`, {
    hint: 'h',
    requestId: 'RID-1',
    wechatpay: { status, code, message },
  });
const row: BatchRow = {
  line: 2,
  key: 'R1',
  outTradeNo: 'ORDER0001',
  outRefundNo: 'R1',
  amount: 50,
  total: 100,
  reason: 'broken',
};

function fakeClient(answer: (req: ClientRequest) => { status: number; data?: unknown } | Error) {
  const seen: ClientRequest[] = [];
  const client = {
    baseUrl: 'http://sandbox',
    merchant: { mchid: '1900000001' },
    async request(req: ClientRequest) {
      seen.push(req);
      const a = answer(req);
      if (a instanceof Error) throw a;
      return { status: a.status, headers: {}, rawBody: Buffer.alloc(0), data: a.data, requestId: 'RID', attempts: 1 };
    },
  } as unknown as WxpayClient;
  return { client, seen };
}

describe('refund ops', () => {
  it('sends the refund body once, with the client retries off, and reads refund_id and status', async () => {
    const { client, seen } = fakeClient(() => ({
      status: 200,
      data: { refund_id: '5030', out_refund_no: 'R1', status: 'PROCESSING' },
    }));
    const ops = opsFor('refund', client, { notifyUrl: 'https://example.com/n' });
    expect(await ops.send(row)).toEqual({ kind: 'succeeded', id: '5030', state: 'PROCESSING' });
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/v3/refund/domestic/refunds', idempotent: false });
    expect(seen[0]!.body).toEqual(ops.request(row));
    expect(ops.request(row)).toEqual({
      out_trade_no: 'ORDER0001',
      out_refund_no: 'R1',
      reason: 'broken',
      notify_url: 'https://example.com/n',
      amount: { refund: 50, total: 100, currency: 'CNY' },
    });
  });

  it.each([
    ['500', wpError(500, 'SYSTEM_ERROR'), { kind: 'unknown', code: 'SYSTEM_ERROR', rateLimited: false }],
    ['429', wpError(429, 'FREQUENCY_LIMITED'), { kind: 'unknown', code: 'FREQUENCY_LIMITED', rateLimited: true }],
    ['timeout', new WxpayError('TIMEOUT', 'Timed out', { hint: 'h' }), { kind: 'unknown', code: 'TIMEOUT' }],
    [
      'bad signature on a 200',
      new WxpayError('VERIFY_BAD_SIGNATURE', 'bad', { hint: 'h' }),
      { kind: 'unknown', code: 'VERIFY_BAD_SIGNATURE' },
    ],
    [
      '403 NOT_ENOUGH',
      wpError(403, 'NOT_ENOUGH'),
      { kind: 'rejected', code: 'NOT_ENOUGH', message: 'HTTP 403: NOT_ENOUGH (Request-ID RID-1)' },
    ],
    // Issue 22 row 1: production's code for "more than remains" is INVALID_REQUEST; the message tells it apart.
    [
      '400 INVALID_REQUEST over what remains',
      wpError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额'),
      {
        kind: 'rejected',
        code: 'INVALID_REQUEST',
        message: 'refund exceeds what remains on the order: HTTP 400: 申请退款金额超过订单可退金额 (Request-ID RID-1)',
      },
    ],
    // Issue 22 row 6: one order's refunds a minute apart; only that row waits, the batch keeps its rate.
    [
      '429 FREQUENCY_LIMITED for a refund of the same order under a minute ago',
      wpError(429, 'FREQUENCY_LIMITED', '同一笔订单多次退款的请求需相隔1分钟'),
      { kind: 'unknown', code: 'FREQUENCY_LIMITED', rateLimited: false, retryAfterMs: 61_000 },
    ],
    [
      '400 INVALID_REQUEST for another rule',
      wpError(400, 'INVALID_REQUEST', '部分退款次数超过50次'),
      { kind: 'rejected', code: 'INVALID_REQUEST', message: 'HTTP 400: 部分退款次数超过50次 (Request-ID RID-1)' },
    ],
  ])('a %s is classified', async (_n, err, expected) => {
    expect(await opsFor('refund', fakeClient(() => err).client).send(row)).toMatchObject(expected);
  });

  it('a 202 or an unreadable 2xx leaves the outcome unknown', async () => {
    expect(await opsFor('refund', fakeClient(() => ({ status: 202 })).client).send(row)).toMatchObject({
      kind: 'unknown',
      code: 'HTTP_202',
    });
    expect(await opsFor('refund', fakeClient(() => ({ status: 200, data: 'oops' })).client).send(row)).toMatchObject({
      kind: 'unknown',
      code: 'UNEXPECTED_ANSWER',
    });
  });

  it('look-up: found, not found, taken by another refund, refused (not retried), transient', async () => {
    const lookup = (a: Parameters<typeof fakeClient>[0]) => opsFor('refund', fakeClient(a).client).lookup!(row);
    expect(
      await lookup(() => ({
        status: 200,
        data: {
          out_refund_no: 'R1',
          out_trade_no: 'ORDER0001',
          refund_id: '5030',
          status: 'SUCCESS',
          amount: { refund: 50 },
        },
      })),
    ).toEqual({ kind: 'succeeded', id: '5030', state: 'SUCCESS', order: { outTradeNo: 'ORDER0001' } });
    expect(await lookup(() => wpError(404, 'RESOURCE_NOT_EXISTS'))).toEqual({ kind: 'not-found' });
    expect(
      await lookup(() => ({
        status: 200,
        data: { out_refund_no: 'R1', out_trade_no: 'ORDER0001', status: 'SUCCESS', amount: { refund: 49 } },
      })),
    ).toMatchObject({ kind: 'rejected', code: 'OUT_REFUND_NO_CONFLICT' });
    expect(
      await lookup(() => ({
        status: 200,
        data: { out_refund_no: 'R1', out_trade_no: 'ORDER9999', status: 'SUCCESS', amount: { refund: 50 } },
      })),
    ).toMatchObject({ kind: 'rejected', code: 'OUT_REFUND_NO_CONFLICT' });
    expect(await lookup(() => wpError(401, 'SIGN_ERROR'))).toMatchObject({
      kind: 'unknown',
      code: 'SIGN_ERROR',
      retriable: false,
    });
    expect(await lookup(() => wpError(503, 'SERVICE_UNAVAILABLE'))).toMatchObject({
      kind: 'unknown',
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});

describe('query and close ops', () => {
  it('query reads trade_state and transaction_id; an unknown order is a rejection', async () => {
    const ok = opsFor(
      'query',
      fakeClient(() => ({
        status: 200,
        data: { out_trade_no: 'ORDER0001', transaction_id: '4200', trade_state: 'SUCCESS' },
      })).client,
    );
    expect(await ok.send({ line: 2, key: 'out_trade_no:ORDER0001', outTradeNo: 'ORDER0001' })).toEqual({
      kind: 'succeeded',
      id: '4200',
      state: 'SUCCESS',
    });
    expect(ok.mutating).toBe(false);
    const missing = opsFor('query', fakeClient(() => wpError(404, 'ORDER_NOT_EXIST')).client);
    expect(await missing.send({ line: 2, key: 'out_trade_no:X', outTradeNo: 'ORDER0001' })).toMatchObject({
      kind: 'rejected',
      code: 'ORDER_NOT_EXIST',
    });
  });

  it('close sends {mchid} to …/close without client retries, and has no look-up (resending is harmless)', async () => {
    const { client, seen } = fakeClient(() => ({ status: 204 }));
    const ops = opsFor('close', client);
    expect(await ops.send({ line: 2, key: 'out_trade_no:ORDER0001', outTradeNo: 'ORDER0001' })).toEqual({
      kind: 'succeeded',
      state: 'CLOSED',
    });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: '/v3/pay/transactions/out-trade-no/ORDER0001/close',
      body: { mchid: '1900000001' },
      idempotent: false,
    });
    expect(ops.lookup).toBeUndefined();
    expect(requestOf('query', client, { line: 2, key: 'k', transactionId: '4200' })).toEqual({
      method: 'GET',
      path: '/v3/pay/transactions/id/4200?mchid=1900000001',
    });
  });

  it('a bug (not a WxpayError) is rethrown, never hidden in a row', () => {
    expect(() => classifyError(new TypeError('x is undefined'))).toThrow(TypeError);
  });
});
