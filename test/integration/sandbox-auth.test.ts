// The sandbox rejects what the real server rejects (docs/protocol.md §1): wrong key, stale timestamp, missing
// User-Agent/Accept, a body changed after signing, malformed Authorization; and the injected response faults.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyStore, loadPublicKey } from '../../src/protocol/keys.js';
import { signMessage, unixSeconds } from '../../src/protocol/sign.js';
import { requestMessage } from '../../src/protocol/canonical.js';
import { verifySignature } from '../../src/protocol/verify.js';
import {
  jsapiBody,
  rawRequest,
  sandboxKeySet,
  startTestSandbox,
  uniqueNo,
  type RawResponse,
  type TestSandbox,
} from '../helpers/sandbox.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

let t: TestSandbox;
let keys: ReturnType<typeof createKeyStore>;
const verify = (r: RawResponse) =>
  verifySignature({ headers: r.headers, body: r.body, keys, now: Math.floor(Date.now() / 1000) });

beforeAll(async () => {
  const init = await sandboxKeySet('cert');
  t = await startTestSandbox(init);
  keys = createKeyStore([[init.platformSerial, loadPublicKey(await readFile(init.platformCertPath))]]);
});
afterAll(() => t.sb.close());

const expectSignError = (r: RawResponse, message?: RegExp) => {
  expect(r.status).toBe(401);
  expect(r.json.code).toBe('SIGN_ERROR');
  if (message) expect(r.json.message).toMatch(message);
  expect(Object.keys(r.headers).some((h) => h.startsWith('wechatpay-'))).toBe(false);
};

describe('sandbox authentication', () => {
  it('a request signed with the wrong key answers 401 SIGN_ERROR with sign_information', async () => {
    const wrong = nextTestKeyPair().privateKey;
    const body = jsapiBody(t.init, uniqueNo());
    const r = await t.call('POST', '/v3/pay/transactions/jsapi', body, {
      merchant: { ...t.merchant, privateKey: wrong },
    });
    expectSignError(r, /验签失败/);
    const info = r.json.detail.sign_information;
    const text = JSON.stringify(body);
    expect(info).toMatchObject({
      method: 'POST',
      url: '/v3/pay/transactions/jsapi',
      sign_message_length:
        Buffer.byteLength('POST\n/v3/pay/transactions/jsapi\n') + 11 + 33 + Buffer.byteLength(text) + 1,
    });
    expect(info.truncated_sign_message).toMatch(
      /^POST\n\/v3\/pay\/transactions\/jsapi\n\d{10}\n[0-9A-F]{32}\n\{"appid"\n$/,
    );
    expect(r.json.detail).toMatchObject({
      field: 'signature',
      location: 'authorization',
      detail: { issue: 'sign not match' },
    });
  });

  it('a stale timestamp answers 401 SIGN_ERROR (the 5-minute message)', async () => {
    const r = await t.call('GET', `/v3/pay/transactions/out-trade-no/X123456?mchid=${t.init.mchid}`, undefined, {
      timestamp: unixSeconds(Date.now() - 301_000),
    });
    expectSignError(r, /不得超过5分钟/);
    const ok = await t.call('GET', `/v3/pay/transactions/out-trade-no/X123456?mchid=${t.init.mchid}`, undefined, {
      timestamp: unixSeconds(Date.now() - 250_000),
    });
    expect(ok.status).toBe(404);
  });

  it('a missing User-Agent or Accept answers 400 INVALID_REQUEST', async () => {
    for (const header of ['User-Agent', 'Accept']) {
      const r = await t.call('GET', `/v3/pay/transactions/out-trade-no/X123456?mchid=${t.init.mchid}`, undefined, {
        headers: { [header]: '' },
      });
      expect(r.status, header).toBe(400);
      expect(r.json).toMatchObject({ code: 'INVALID_REQUEST', message: 'Http头缺少Accept或User-Agent' });
    }
  });

  it('a body changed after signing answers 401 SIGN_ERROR', async () => {
    const body = jsapiBody(t.init, uniqueNo());
    const r = await t.call('POST', '/v3/pay/transactions/jsapi', body, {
      signedBody: JSON.stringify({ ...body, amount: { total: 1, currency: 'CNY' } }),
    });
    expectSignError(r, /验签失败/);
    // Re-serialised with spaces: same JSON, different bytes, still rejected.
    const spaced = await t.call('POST', '/v3/pay/transactions/jsapi', JSON.stringify(body, null, 1), {
      signedBody: JSON.stringify(body),
    });
    expectSignError(spaced);
  });

  it('accepts the Authorization fields in any order; rejects a wrong serial_no, mchid or a malformed header', async () => {
    const target = `/v3/pay/transactions/out-trade-no/X123456?mchid=${t.init.mchid}`;
    const ts = unixSeconds(Date.now());
    const nonce = 'n0nce';
    const sig = signMessage(t.merchant.privateKey, requestMessage('GET', target, ts, nonce, ''));
    const send = (auth: string) =>
      rawRequest(t.sb.url, 'GET', target, { Accept: 'application/json', 'User-Agent': 'x', Authorization: auth });
    const go = `WECHATPAY2-SHA256-RSA2048 mchid="${t.init.mchid}",nonce_str="${nonce}",timestamp="${ts}",serial_no="${t.init.serialNo}",signature="${sig}"`;
    expect((await send(go)).status).toBe(404);
    expectSignError(await send(go.replace(t.init.serialNo, 'ABCDEF0123456789ABCDEF0123456789ABCDEF01')), /序列号/);
    expectSignError(await send(go.replace(`mchid="${t.init.mchid}"`, 'mchid="1111111111"')));
    expectSignError(await send(go.replace('WECHATPAY2-SHA256-RSA2048 ', 'WECHATPAY2-SHA256-RSA2048  ')), /格式错误/);
    expectSignError(await send(''), /Authorization/);
  });

  it('a request Wechatpay-Serial the merchant cannot hold answers PARAM_ERROR', async () => {
    const r = await t.call('GET', `/v3/pay/transactions/out-trade-no/X123456?mchid=${t.init.mchid}`, undefined, {
      headers: { 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000000000000000000000000001' },
    });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'PARAM_ERROR', detail: { location: 'header' } });
  });

  it('faults: 500, 429, probe, tamper, bad-signature, unknown-serial, stale-timestamp, reset, count and path', async () => {
    const target = `/v3/pay/transactions/out-trade-no/X123456?mchid=${t.init.mchid}`;
    const no = uniqueNo();
    await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no));
    const query = `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`;
    const setFaults = async (faults: object[]) =>
      expect((await t.admin('POST', '/sandbox/faults', { faults })).status).toBe(200);
    await setFaults([
      { kind: '500', count: 1 },
      { kind: '429', count: 1, path: '/v3/pay/' },
    ]);
    const a = await t.call('GET', target);
    expect([a.status, a.json.code]).toEqual([500, 'SYSTEM_ERROR']);
    const b = await t.call('GET', target);
    expect([b.status, b.json.code]).toEqual([429, 'FREQUENCY_LIMITED']);
    expect((await t.call('GET', target)).status).toBe(404);
    const expectations: Array<[string, string]> = [
      ['probe', 'VERIFY_PROBE'],
      ['tamper', 'VERIFY_BAD_SIGNATURE'],
      ['bad-signature', 'VERIFY_BAD_SIGNATURE'],
      ['unknown-serial', 'VERIFY_UNKNOWN_SERIAL'],
      ['stale-timestamp', 'VERIFY_TIMESTAMP'],
    ];
    for (const [kind, code] of expectations) {
      await setFaults([{ kind, count: 1 }]);
      const r = await t.call('GET', query);
      expect(r.status, kind).toBe(200);
      expect(() => verify(r), kind).toThrow(expect.objectContaining({ code }));
      const clean = await t.call('GET', query);
      expect(verify(clean).serial, kind).toBe(t.init.platformSerial);
    }
    await setFaults([{ kind: 'reset', count: 1 }]);
    await expect(t.call('GET', query)).rejects.toThrow();
    expect((await t.admin('GET', '/sandbox/faults')).json.faults[0]).toMatchObject({ kind: 'reset', fired: 1 });
    expect((await t.admin('DELETE', '/sandbox/faults')).json.faults).toEqual([]);
    const bad = await t.admin('POST', '/sandbox/faults', { faults: [{ kind: 'nope' }] });
    expect(bad.json).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringContaining('/faults/0/kind') });
  });

  it('clock skew: the Date header and signature timestamps move, and requests on real time become stale', async () => {
    await t.admin('POST', '/sandbox/clock', { offsetSeconds: 900 });
    try {
      const r = await t.call('GET', `/v3/pay/transactions/out-trade-no/X123456?mchid=${t.init.mchid}`);
      expectSignError(r, /5分钟/);
      expect(Date.parse(r.headers.date!) - Date.now()).toBeGreaterThan(800_000);
    } finally {
      await t.admin('POST', '/sandbox/clock', { offsetSeconds: 0 });
    }
  });
});
