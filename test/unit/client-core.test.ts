// The client's request path: signing what is sent, headers, verification of every 2xx from raw bytes, and
// WeChat error mapping. Retries, failover and certificate refresh are in client-retry.test.ts.
import { describe, expect, it } from 'vitest';
import { createKeyStore } from '../../src/protocol/keys.js';
import { NOW_S, PUB_ID, setup, signedHeaders } from './client-fake.js';

const f = setup();
const ORDER = '/v3/pay/transactions/out-trade-no/T1?mchid=1900007291';

describe('client request', () => {
  it('signs exactly the bytes it sends and sends Accept, User-Agent, Content-Type', async () => {
    f.pool
      .intercept({ path: '/v3/pay/transactions/native', method: 'POST' })
      .reply(f.reply(200, { code_url: 'weixin://wxpay/bizpayurl?pr=abc' }));
    const body = { mchid: '1900007291', description: 'Image形象店', amount: { total: 1 } };
    const res = await f.mkClient().request({ method: 'POST', path: '/v3/pay/transactions/native', body });
    expect(res.data).toEqual({ code_url: 'weixin://wxpay/bizpayurl?pr=abc' });
    expect(res.requestId).toBe('08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0');
    const s = f.seen.at(-1)!;
    expect(s.body).toBe(JSON.stringify(body));
    expect(f.signatureCoversBody(s)).toBe(true);
    expect(s.headers.accept).toBe('application/json');
    expect(s.headers['user-agent']).toBe('wxpay/0.1.0 (linux) Node/20.0.0');
    expect(s.headers['content-type']).toBe('application/json');
    expect(s.headers.authorization).toContain(`timestamp="${NOW_S}"`);
    expect(s.headers['wechatpay-serial']).toBeUndefined();
  });

  it('signOffLoop (batches sign on the thread pool) sends byte for byte the request the event loop would sign', async () => {
    f.pool.intercept({ path: '/v3/x', method: 'POST' }).reply(f.reply(200, {})).times(2);
    const opts = { nonce: () => 'A1B2C3D4E5F60718293A4B5C6D7E8F90' };
    await f.mkClient(opts).request({ method: 'POST', path: '/v3/x', body: { a: 1 } });
    const onLoop = f.seen.at(-1)!;
    await f.mkClient({ ...opts, signOffLoop: true }).request({ method: 'POST', path: '/v3/x', body: { a: 1 } });
    const offLoop = f.seen.at(-1)!;
    expect(offLoop.headers.authorization).toBe(onLoop.headers.authorization);
    expect(offLoop.body).toBe(onLoop.body);
    expect(f.signatureCoversBody(offLoop)).toBe(true);
  });

  it('a string body is sent and signed verbatim (no re-serialisation)', async () => {
    f.pool.intercept({ path: '/v3/x', method: 'POST' }).reply(f.reply(200, {}));
    const text = '{ "b":1,  "a":2 }';
    await f.mkClient().request({ method: 'POST', path: '/v3/x', body: text });
    expect(f.seen.at(-1)!.body).toBe(text);
    expect(f.signatureCoversBody(f.seen.at(-1)!)).toBe(true);
  });

  it('GET: no Content-Type, query appended and signed; public-key mode sends Wechatpay-Serial on every request', async () => {
    f.pool.intercept({ path: ORDER, method: 'GET' }).reply(f.reply(200, { trade_state: 'NOTPAY' }, f.platform, PUB_ID));
    const client = f.mkClient({ keys: createKeyStore([[PUB_ID, f.platform.publicKey]]), publicKeyId: PUB_ID });
    const res = await client.request({
      method: 'GET',
      path: '/v3/pay/transactions/out-trade-no/T1',
      query: { mchid: '1900007291' },
    });
    expect(res.data).toEqual({ trade_state: 'NOTPAY' });
    const s = f.seen.at(-1)!;
    expect(s.headers['content-type']).toBeUndefined();
    expect(s.headers['wechatpay-serial']).toBe(PUB_ID);
    expect(f.signatureCoversBody(s)).toBe(true);
  });

  it('a 204 with an empty signed body verifies', async () => {
    f.pool
      .intercept({ path: '/v3/pay/transactions/out-trade-no/T1/close', method: 'POST' })
      .reply(f.reply(204, undefined));
    const res = await f
      .mkClient()
      .request({ method: 'POST', path: '/v3/pay/transactions/out-trade-no/T1/close', body: { mchid: '1900007291' } });
    expect(res.status).toBe(204);
    expect(res.data).toBeUndefined();
  });

  it('an unsigned 2xx is an error, except for a bill download', async () => {
    f.pool.intercept({ path: ORDER, method: 'GET' }).reply(f.reply(200, { a: 1 }, null));
    await expect(f.mkClient().request({ method: 'GET', path: ORDER })).rejects.toMatchObject({
      code: 'VERIFY_MISSING_HEADER',
      exitCode: 6,
    });
    f.pool.intercept({ path: '/v3/billdownload/file?token=t', method: 'GET' }).reply(f.reply(200, 'csv,data', null));
    const res = await f
      .mkClient()
      .request({ method: 'GET', path: '/v3/billdownload/file?token=t', verify: 'none-bill-download' });
    expect(res.rawBody.toString()).toBe('csv,data');
  });

  it('a tampered body, a wrong key, a probe and a stale timestamp are exit 6', async () => {
    const body = '{"trade_state":"SUCCESS"}';
    const tampered = signedHeaders(f.platform, body);
    f.pool.intercept({ path: ORDER, method: 'GET' }).reply(200, '{"trade_state":"SUCCESS "}', { headers: tampered });
    await expect(f.mkClient().request({ method: 'GET', path: ORDER })).rejects.toMatchObject({
      code: 'VERIFY_BAD_SIGNATURE',
      exitCode: 6,
    });
    f.pool
      .intercept({ path: ORDER, method: 'GET' })
      .reply(200, body, { headers: signedHeaders(f.merchant, body, f.platform.serial) });
    await expect(f.mkClient().request({ method: 'GET', path: ORDER })).rejects.toMatchObject({
      code: 'VERIFY_BAD_SIGNATURE',
    });
    f.pool.intercept({ path: ORDER, method: 'GET' }).reply(200, body, {
      headers: { ...signedHeaders(f.platform, body), 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc=' },
    });
    await expect(f.mkClient().request({ method: 'GET', path: ORDER })).rejects.toMatchObject({ code: 'VERIFY_PROBE' });
    f.pool
      .intercept({ path: ORDER, method: 'GET' })
      .reply(200, body, { headers: signedHeaders(f.platform, body, f.platform.serial, String(Number(NOW_S) - 301)) });
    await expect(f.mkClient().request({ method: 'GET', path: ORDER })).rejects.toMatchObject({
      code: 'VERIFY_TIMESTAMP',
    });
  });

  it('a WeChat error body becomes WECHATPAY_ERROR with status, code, message, detail and Request-ID', async () => {
    const err = { code: 'PARAM_ERROR', message: '参数错误', detail: { field: '/amount/total', location: 'body' } };
    f.pool.intercept({ path: '/v3/pay/transactions/native', method: 'POST' }).reply(f.reply(400, err, null));
    await expect(
      f.mkClient().request({ method: 'POST', path: '/v3/pay/transactions/native', body: {}, idempotent: true }),
    ).rejects.toMatchObject({
      code: 'WECHATPAY_ERROR',
      exitCode: 5,
      requestId: 'REQ-1',
      wechatpay: { status: 400, code: 'PARAM_ERROR', message: '参数错误', detail: err.detail },
    });
  });

  it('prepare() returns the signed request for --dry-run without sending', () => {
    const before = f.seen.length;
    const p = f
      .mkClient()
      .prepare({ method: 'post', path: '/v3/refund/domestic/refunds', body: { out_refund_no: 'R1' } });
    expect(p).toMatchObject({
      method: 'POST',
      url: 'https://api.mch.weixin.qq.com/v3/refund/domestic/refunds',
      body: '{"out_refund_no":"R1"}',
    });
    expect(p.headers.Authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900007291"/);
    expect(f.seen.length).toBe(before);
  });

  it('preview() for --dry-run: the message that would be signed and a placeholder, never a signature', () => {
    const before = f.seen.length;
    const p = f
      .mkClient({ now: () => 1_700_000_000_000, nonce: () => 'N0NCE' })
      .preview({ method: 'post', path: '/v3/refund/domestic/refunds', body: { out_refund_no: 'R1' } });
    expect(p.headers.Authorization).toBe(
      `WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="N0NCE",signature="<not signed: --dry-run>",timestamp="1700000000",serial_no="${f.merchant.serial}"`,
    );
    expect(p.message).toBe('POST\n/v3/refund/domestic/refunds\n1700000000\nN0NCE\n{"out_refund_no":"R1"}\n');
    expect(p.body).toBe('{"out_refund_no":"R1"}');
    expect(f.seen.length).toBe(before);
  });

  it('the verbose log shows the Authorization fields but no signature (regression: a logged request, pasted into a ticket, could be replayed for 5 minutes) and never a private key', async () => {
    const lines: string[] = [];
    f.pool.intercept({ path: '/v3/x', method: 'POST' }).reply(f.reply(200, { ok: 1 }));
    await f
      .mkClient({ log: (l) => lines.push(l), nonce: () => 'N0NCE' })
      .request({ method: 'POST', path: '/v3/x', body: { private_key: f.merchant.privateKeyPem, n: 1 } });
    const text = lines.join('\n');
    expect(text).toMatch(
      new RegExp(
        `\\n  Authorization: WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="N0NCE",signature="\\[redacted\\]",timestamp="\\d+",serial_no="${f.merchant.serial}"\\n`,
      ),
    );
    expect(text).not.toMatch(/signature="[A-Za-z0-9+/]{20,}/);
    expect(text).toContain('"private_key":"[redacted]"');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).toMatch(/< 200 POST/);
  });
});

describe('error mapping details', () => {
  it('a non-JSON error body (a proxy) still maps to WECHATPAY_ERROR with HTTP_<status>', async () => {
    const { parseErrorBody, networkError } = await import('../../src/http/error.js');
    expect(parseErrorBody(502, Buffer.from('<html>Bad Gateway</html>'))).toEqual({
      code: 'HTTP_502',
      message: '<html>Bad Gateway</html>',
    });
    expect(parseErrorBody(404, Buffer.from('{"code":"ORDER_NOT_EXIST","message":"订单不存在"}'))).toEqual({
      code: 'ORDER_NOT_EXIST',
      message: '订单不存在',
    });
    expect(networkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'http://h', 1)).toMatchObject({
      code: 'NETWORK',
      exitCode: 4,
      hint: expect.stringContaining('base URL'),
    });
    expect(networkError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'http://h', 3)).toMatchObject({
      code: 'TIMEOUT',
      exitCode: 4,
      details: { attempts: 3 },
    });
  });
});
