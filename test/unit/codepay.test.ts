// Issue 20 (payment code): the request shapes, the rules checked before a one-minute code is spent, and the flow
// on fake time: USERPAYING polled every 5 s to SUCCESS, reversed at the timeout or on cancel, a lost answer resent
// with the same out_trade_no only when the order does not exist, reverse retried while WeChat Pay says USERPAYING.
import { describe, expect, it } from 'vitest';
import {
  checkCodepayInput,
  codepayBody,
  codepayRequest,
  reverseRequest,
  type CodepayInput,
} from '../../src/api/codepay.js';
import { collectPayment, reverseAndRead, type FlowOptions } from '../../src/api/codepay-flow.js';
import type { ClientRequest, WxpayClient } from '../../src/http/client.js';
import { wechatpayError } from '../../src/http/error.js';
import { WxpayError } from '../../src/protocol/errors.js';
import { formatExchange } from '../../src/protocol/redact.js';

const input: CodepayInput = {
  appid: 'wxd678efh567hg6787',
  outTradeNo: 'POS20260101001',
  authCode: '134567890123456789',
  total: 100,
  description: 'Tea',
  deviceIp: '192.0.2.10',
  storeId: 'SH-012',
};

type Step = { status: number; data?: unknown } | Error;
const tx = (trade_state: string, extra: Record<string, unknown> = {}) => ({
  status: 200,
  data: { out_trade_no: input.outTradeNo, trade_state, ...extra },
});
const refused = (status: number, code: string) =>
  wechatpayError(status, Buffer.from(JSON.stringify({ code, message: code })), undefined);

/** A scripted WeChat Pay: each request takes the next answer; the log keeps method, path and body. */
function fake(steps: Step[]) {
  const log: string[] = [];
  const bodies: string[] = [];
  const client = {
    merchant: { mchid: '1900007291' },
    request: (req: ClientRequest) => {
      log.push(`${req.method} ${req.path}`);
      if (req.body !== undefined) bodies.push(JSON.stringify(req.body));
      const next = steps.shift();
      if (!next) throw new Error(`unscripted ${req.method} ${req.path}`);
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve({ ...next, headers: {}, rawBody: Buffer.alloc(0), requestId: 'r', attempts: 1 });
    },
  } as unknown as WxpayClient;
  return { client, log, bodies };
}

function clock(timeoutMs = 30_000): FlowOptions & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    timeoutMs,
    now: () => t,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

const SUBMIT = 'POST /v3/pay/transactions/codepay';
const QUERY = 'GET /v3/pay/transactions/out-trade-no/POS20260101001';
const REVERSE = 'POST /v3/pay/transactions/out-trade-no/POS20260101001/reverse';

describe('payment code requests', () => {
  it('the body: payer.auth_code, amount in fen, scene_info with device_ip and the store as out_id', () => {
    expect(codepayBody({ merchant: { mchid: '1900007291' } } as WxpayClient, input)).toEqual({
      appid: 'wxd678efh567hg6787',
      mchid: '1900007291',
      description: 'Tea',
      out_trade_no: 'POS20260101001',
      payer: { auth_code: '134567890123456789' },
      amount: { total: 100, currency: 'CNY' },
      scene_info: { device_ip: '192.0.2.10', store_info: { out_id: 'SH-012' } },
    });
  });

  it('submit is not retried by the client (a 202 means: query), reverse is (it is idempotent)', () => {
    const c = { merchant: { mchid: '1900007291' } } as WxpayClient;
    expect(codepayRequest(c, input)).not.toHaveProperty('idempotent');
    expect(reverseRequest(c, input.appid, 'A B/1')).toEqual({
      method: 'POST',
      path: '/v3/pay/transactions/out-trade-no/A%20B%2F1/reverse',
      body: { appid: 'wxd678efh567hg6787', mchid: '1900007291' },
      idempotent: true,
    });
  });

  it('--verbose logs never show the code: whoever has it can charge the payer within its minute', () => {
    const body = JSON.stringify(codepayBody({ merchant: { mchid: '1900007291' } } as WxpayClient, input));
    const logged = formatExchange('> POST /v3/pay/transactions/codepay', {}, body).join('\n');
    expect(logged).not.toContain(input.authCode);
    expect(logged).toContain('"auth_code":"[redacted]"');
  });

  it.each([
    ['17 digits', { authCode: '13456789012345678' }],
    ['starting 16', { authCode: '164567890123456789' }],
    ['letters', { authCode: '13456789012345678a' }],
    ['zero fen', { total: 0 }],
    ['a fraction of a fen', { total: 1.5 }],
    ['a bad out_trade_no', { outTradeNo: 'POS 1' }],
    ['a device_ip that is not an IP address', { deviceIp: 'till-3' }],
  ])('refuses %s before sending (USAGE, exit 2)', (_name, change) => {
    expect(() => {
      checkCodepayInput({ ...input, ...change });
    }).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2 }));
  });

  it('accepts codes from 10 to 15', () => {
    for (const code of ['104567890123456789', '154567890123456789'])
      expect(() => {
        checkCodepayInput({ ...input, authCode: code });
      }).not.toThrow();
  });
});

describe('collectPayment on fake time', () => {
  it('USERPAYING (202) is polled every 5 s until SUCCESS', async () => {
    const f = fake([
      { status: 202, data: { code: 'USERPAYING', message: '用户支付中' } },
      tx('USERPAYING'),
      tx('SUCCESS', { transaction_id: '4200000001' }),
    ]);
    const c = clock();
    const r = await collectPayment(f.client, input, c);
    expect(r).toMatchObject({ outcome: 'paid', transaction: { trade_state: 'SUCCESS', transaction_id: '4200000001' } });
    expect(c.slept).toEqual([5000, 5000]);
    expect(f.log).toEqual([SUBMIT, QUERY, QUERY]);
  });

  it('USERPAYING as an error status is read the same way', async () => {
    const f = fake([refused(403, 'USERPAYING'), tx('SUCCESS')]);
    expect((await collectPayment(f.client, input, clock())).outcome).toBe('paid');
  });

  it('reversed at the timeout: the last wait is cut to the time left, then reverse and a final query', async () => {
    const f = fake([
      { status: 202 },
      tx('USERPAYING'),
      tx('USERPAYING'),
      tx('USERPAYING'),
      { status: 204 },
      tx('REVOKED'),
    ]);
    const c = clock(12_000);
    const r = await collectPayment(f.client, input, c);
    expect(r).toMatchObject({ outcome: 'reversed', reason: 'timeout', transaction: { trade_state: 'REVOKED' } });
    expect(c.slept).toEqual([5000, 5000, 2000]);
    expect(f.log).toEqual([SUBMIT, QUERY, QUERY, QUERY, REVERSE, QUERY]);
  });

  it('a lost answer: query at once; ORDER_NOT_EXIST resends the very same body, never a new order', async () => {
    const lost = new WxpayError('NETWORK', 'socket hang up', { hint: '' });
    const f = fake([lost, refused(404, 'ORDER_NOT_EXIST'), tx('SUCCESS')]);
    const c = clock();
    expect((await collectPayment(f.client, input, c)).outcome).toBe('paid');
    expect(c.slept).toEqual([0]);
    expect(f.log).toEqual([SUBMIT, QUERY, SUBMIT]);
    expect(f.bodies[1]).toBe(f.bodies[0]);
  });

  it('a definite refusal is thrown as is, with no query and no reverse', async () => {
    const f = fake([refused(403, 'NOTENOUGH')]);
    await expect(collectPayment(f.client, input, clock())).rejects.toMatchObject({
      code: 'WECHATPAY_ERROR',
      wechatpay: { code: 'NOTENOUGH' },
    });
    expect(f.log).toEqual([SUBMIT]);
  });

  it('the cashier cancels while waiting: reversed at once', async () => {
    const f = fake([{ status: 202 }, { status: 204 }, tx('REVOKED')]);
    const ac = new AbortController();
    const c = { ...clock(), signal: ac.signal, sleep: () => new Promise<void>(() => undefined) };
    const run = collectPayment(f.client, input, c);
    await new Promise((r) => setImmediate(r));
    ac.abort();
    expect(await run).toMatchObject({ outcome: 'reversed', reason: 'cancelled' });
    expect(f.log).toEqual([SUBMIT, REVERSE, QUERY]);
  });

  it('PAYERROR is reversed (the order is cleaned up); CLOSED is just reported', async () => {
    const e = fake([tx('PAYERROR'), { status: 204 }, tx('REVOKED')]);
    expect(await collectPayment(e.client, input, clock())).toMatchObject({ outcome: 'reversed', reason: 'payerror' });
    const f = fake([{ status: 202 }, tx('CLOSED')]);
    expect(await collectPayment(f.client, input, clock())).toMatchObject({ outcome: 'failed' });
  });
});

describe('reverseAndRead', () => {
  it('retries USERPAYING after the poll interval, then reads the order back', async () => {
    const f = fake([refused(403, 'USERPAYING'), refused(500, 'SYSTEM_ERROR'), { status: 204 }, tx('REVOKED')]);
    const c = clock();
    const r = await reverseAndRead(f.client, input.appid, input.outTradeNo, 'timeout', c);
    expect(r.transaction?.trade_state).toBe('REVOKED');
    expect(c.slept).toEqual([5000, 5000]);
    expect(f.log).toEqual([REVERSE, REVERSE, REVERSE, QUERY]);
  });

  it('still refused after 3 attempts: CODEPAY_UNRESOLVED (exit 4) says to reverse again by hand', async () => {
    const f = fake([refused(500, 'SYSTEM_ERROR'), refused(500, 'SYSTEM_ERROR'), refused(500, 'SYSTEM_ERROR')]);
    const err = await reverseAndRead(f.client, input.appid, input.outTradeNo, 'timeout', clock()).catch(
      (e: unknown) => e as WxpayError,
    );
    expect(err).toMatchObject({ code: 'CODEPAY_UNRESOLVED', exitCode: 4 });
    expect((err as WxpayError).hint).toContain('wxpay pay reverse --out-trade-no POS20260101001');
  });

  it('a recall:"Y" answer is called again', async () => {
    const f = fake([{ status: 200, data: { recall: 'Y' } }, { status: 204 }, tx('REVOKED')]);
    await reverseAndRead(f.client, input.appid, input.outTradeNo, 'cancelled', clock());
    expect(f.log).toEqual([REVERSE, REVERSE, QUERY]);
  });
});
