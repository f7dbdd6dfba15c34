// Issue 12, "the sandbox refuses the web": a web page must not drive the unauthenticated /sandbox control API
// (cross-site text/plain POSTs, DNS rebinding through a foreign Host, CORS), and the v3 side is as strict as it
// claims (serial_no exactly a registered serial, a nonce seen within 5 minutes refused).
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, unixSeconds } from '../../src/protocol/sign.js';
import {
  jsapiBody,
  rawRequest,
  sandboxKeySet,
  startTestSandbox,
  uniqueNo,
  type RawResponse,
  type TestSandbox,
} from '../helpers/sandbox.js';
import { newNonce } from '../../src/protocol/nonce.js';

let t: TestSandbox;
let port: number;
beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('mixed'), { autoRefundMs: -1 });
  port = t.sb.port;
});
afterAll(() => t.sb.close());

const newOrder = async (): Promise<string> => {
  const no = uniqueNo('W');
  expect((await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no))).status).toBe(200);
  return no;
};
const tradeState = (no: string) => t.sb.state.orderByOutTradeNo(no)?.tradeState;
const post = (target: string, headers: Record<string, string>, body = '') =>
  rawRequest(t.sb.url, 'POST', target, headers, body);
const get = (target: string, headers: Record<string, string> = {}) => rawRequest(t.sb.url, 'GET', target, headers);
const corsHeaders = (r: RawResponse) => Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));

/** One raw HTTP exchange, for requests node:http will not send (no Host at all, an empty Host). */
function rawExchange(text: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => {
      const out = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(out)?.[1] ?? 0), text: out });
    });
    s.on('error', reject);
    s.end(text);
  });
}

describe('the sandbox control API refuses cross-site requests (issue 12)', () => {
  it('admin CSRF: text/plain, form and multipart POSTs (or none) cannot pay an order, set a fault, rotate keys or skew the clock', async () => {
    const no = await newOrder();
    const serials = t.sb.context.keys.platform.length;
    const kinds = [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json-patch+json',
      'text/json',
    ];
    for (const type of [...kinds, undefined]) {
      const headers: Record<string, string> = type ? { 'Content-Type': type } : {};
      const refused = [
        await post(`/sandbox/orders/${no}/pay`, headers, '{}'),
        await post('/sandbox/faults', headers, JSON.stringify({ faults: [{ kind: '500' }] })),
        await post('/sandbox/certificates/rotate', headers, '{}'),
        await post('/sandbox/clock', headers, JSON.stringify({ offsetSeconds: 900 })),
      ];
      for (const r of refused) {
        expect(r.status, String(type)).toBe(415);
        expect(r.json).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('application/json') });
      }
    }
    expect(tradeState(no)).toBe('NOTPAY');
    expect(t.sb.context.faults.all()).toEqual([]);
    expect(t.sb.context.keys.platform).toHaveLength(serials);
    expect(t.sb.context.clockOffsetMs).toBe(0);
    // What the wxpay commands and test helpers send still works, parameters and case included.
    expect(
      (await post(`/sandbox/orders/${no}/pay`, { 'Content-Type': 'Application/JSON; charset=utf-8' })).status,
    ).toBe(200);
    expect(tradeState(no)).toBe('SUCCESS');
  });

  it('DNS rebinding: a Host that is not this sandbox gets 403 on every route, and no state', async () => {
    const no = await newOrder();
    const other = port === 65535 ? 1 : port + 1;
    const foreign = [
      'attacker.example',
      `attacker.example:${port}`,
      `127.0.0.1.attacker.example:${port}`,
      `localhost.:${port}`,
      `127.0.0.2:${port}`,
      `localhost:${other}`,
      `127.0.0.1:${other}`,
      'localhost',
      '127.0.0.1',
      `[::2]:${port}`,
      `localhost:${port}@attacker.example`,
    ];
    for (const host of foreign) {
      const state = await get('/sandbox/state', { Host: host });
      expect(state.status, host).toBe(403);
      expect(state.json, host).toMatchObject({ code: 'HOST_NOT_ALLOWED' });
      expect(state.text).not.toContain(no);
      expect(
        (await post(`/sandbox/orders/${no}/pay`, { Host: host, 'Content-Type': 'application/json' })).status,
        host,
      ).toBe(403);
      // The v3 side too: a page cannot even learn that the signature is wrong.
      expect(
        (
          await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`, undefined, {
            headers: { Host: host },
          })
        ).status,
        host,
      ).toBe(403);
    }
    expect(tradeState(no)).toBe('NOTPAY');
    for (const text of [
      'GET /sandbox/state HTTP/1.0\r\n\r\n',
      'GET /sandbox/state HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n',
    ]) {
      const r = await rawExchange(text);
      expect(r.status, JSON.stringify(text)).not.toBe(200);
      expect(r.text).not.toContain(no);
    }
    // Loopback names with the listening port: the listening address, localhost, 127.0.0.1 and [::1], any case.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      const state = await get('/sandbox/state', { Host: host });
      expect(state.status, host).toBe(200);
      expect(state.text).toContain(no);
    }
  });

  it('sends no CORS headers, and an OPTIONS preflight is not approved', async () => {
    const origin = { Origin: 'https://attacker.example' };
    const state = await get('/sandbox/state', origin);
    expect(state.status).toBe(200);
    expect(corsHeaders(state)).toEqual([]);
    const preflight = await rawRequest(t.sb.url, 'OPTIONS', '/sandbox/orders/X/pay', {
      ...origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(corsHeaders(preflight)).toEqual([]);
    const v3 = await t.call('GET', `/v3/pay/transactions/out-trade-no/NOSUCH?mchid=${t.init.mchid}`, undefined, {
      headers: origin,
    });
    expect(v3.status).toBe(404);
    expect(corsHeaders(v3)).toEqual([]);
  });
});

describe('the v3 side is strict (issue 12)', () => {
  const query = () => `/v3/pay/transactions/out-trade-no/NOSUCH${uniqueNo()}?mchid=${t.init.mchid}`;

  it('serial_no must be exactly the registered serial: ZZ-prefixed, colon-separated, lower-case or padded variants get 401', async () => {
    const s = t.init.serialNo;
    expect(s).toMatch(/^[0-9A-F]*[A-F][0-9A-F]*$/);
    const variants = [
      `ZZ${s}`,
      s.match(/../g)!.join(':'),
      s.toLowerCase(),
      s.replace(/[A-F]/, (c) => c.toLowerCase()),
      `0${s}`,
      `00${s}`,
      `${s} `,
      ` ${s}`,
      `${s}Z`,
      `${s.slice(0, 10)}-${s.slice(10)}`,
    ];
    for (const serialNo of variants) {
      const r = await t.call('GET', query(), undefined, { merchant: { ...t.merchant, serialNo } });
      expect(r.status, JSON.stringify(serialNo)).toBe(401);
      expect(r.json, serialNo).toMatchObject({
        code: 'SIGN_ERROR',
        message: expect.stringMatching(/序列号/),
        detail: { field: 'serial_no' },
      });
    }
    expect((await t.call('GET', query())).status).toBe(404);
  });

  it('a request Wechatpay-Serial must be exactly a known platform serial or public key ID', async () => {
    const p = t.init.platformSerial;
    for (const serial of [
      `ZZ${p}`,
      p.match(/../g)!.join(':'),
      p.toLowerCase(),
      `0${p}`,
      t.init.publicKeyId.toLowerCase(),
      `${t.init.publicKeyId}X`,
    ]) {
      const r = await t.call('GET', query(), undefined, { headers: { 'Wechatpay-Serial': serial } });
      expect(r.status, serial).toBe(400);
      expect(r.json, serial).toMatchObject({ code: 'PARAM_ERROR', detail: { location: 'header' } });
    }
    for (const serial of [p, t.init.publicKeyId])
      expect(
        (await t.call('GET', query(), undefined, { headers: { 'Wechatpay-Serial': serial } })).status,
        serial,
      ).toBe(404);
  });

  it('nonce replay: an identical signed request sent again gets 401 SIGN_ERROR and changes nothing', async () => {
    const no = await newOrder();
    const target = '/v3/refund/domestic/refunds';
    const body = JSON.stringify({
      out_trade_no: no,
      out_refund_no: uniqueNo('R'),
      amount: { refund: 1, total: 100, currency: 'CNY' },
    });
    const signed = signRequest(t.merchant, {
      method: 'POST',
      url: target,
      body,
      timestamp: unixSeconds(Date.now()),
      nonce: newNonce(),
    });
    const headers = {
      Accept: 'application/json',
      'User-Agent': 'x',
      'Content-Type': 'application/json',
      Authorization: signed.authorization,
    };
    await post(`/sandbox/orders/${no}/pay`, { 'Content-Type': 'application/json' });
    expect((await post(target, headers, body)).status).toBe(200);
    const replay = await post(target, headers, body);
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({
      code: 'SIGN_ERROR',
      detail: { field: 'nonce_str', location: 'authorization' },
    });
    expect(t.sb.state.snapshot().refunds.filter((r: { outTradeNo: string }) => r.outTradeNo === no)).toHaveLength(1);
  });

  it('a nonce is refused again even re-signed over another request or timestamp; a refused request does not burn it', async () => {
    const nonce = newNonce();
    // A request that fails authentication (wrong body) does not record its nonce: the genuine one still goes through.
    expect((await t.call('GET', query(), undefined, { nonce, signedBody: 'x' })).status).toBe(401);
    expect((await t.call('GET', query(), undefined, { nonce })).status).toBe(404);
    for (const o of [{ nonce }, { nonce, timestamp: unixSeconds(Date.now() - 60_000) }]) {
      const r = await t.call('GET', query(), undefined, o);
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ code: 'SIGN_ERROR', detail: { field: 'nonce_str' } });
    }
    // A fresh nonce still works.
    expect((await t.call('GET', query())).status).toBe(404);
  });
});
