// Interop with an independent implementation, wechatpay-axios-plugin (dev dependency): its request signer
// against our parser and signer, our Authorization against its primitives, response signatures both ways
// (including its real axios response verifier), and AEAD-GCM / RSA-OAEP-SHA1 both ways.
import { createRequire } from 'node:module';
import { verify as rsaVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aeadOpen, aeadSeal, apiV3KeyFrom } from '../../src/protocol/aead.js';
import { parseAuthorization, requestMessage, responseMessage } from '../../src/protocol/canonical.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { oaepDecrypt, oaepEncrypt } from '../../src/protocol/oaep.js';
import { signMessage, signRequest } from '../../src/protocol/sign.js';
import { verifySignature } from '../../src/protocol/verify.js';
import { PUBLIC_KEY_ID, TEST_APIV3_KEY, merchantKeySet, platformKeySet } from '../helpers/fixtures.js';
import { trackSecret } from '../helpers/secrets.js';

// The plugin is CommonJS; load it the way its users do.
const require = createRequire(import.meta.url);
const { Rsa, Formatter, Aes, Decorator } = require('wechatpay-axios-plugin') as {
  Rsa: {
    sign(m: string, k: unknown): string;
    verify(m: string, s: string, k: unknown): boolean;
    encrypt(p: string, k: unknown): string;
    decrypt(c: string, k: unknown): string;
    from(thing: string, type?: 'public' | 'private'): unknown;
  };
  Formatter: {
    request(m: string, u: string, t: string | number, n: string, b?: string): string;
    response(t: string | number, n: string, b?: string): string;
    authorization(mchid: string, nonce: string, sig: string, ts: string | number, serial: string): string;
  };
  Aes: {
    AesGcm: {
      encrypt(p: string, k: string, iv: string, aad?: string): string;
      decrypt(c: string, k: string, iv: string, aad?: string): string;
    };
  };
  Decorator: {
    requestInterceptor(): (config: Record<string, unknown>) => { headers: { get(n: string): string } };
    responseVerifier(
      certs: Record<string, unknown>,
    ): (this: unknown, data: string, headers: Record<string, string>, status: number) => unknown;
  };
};

const merchant = merchantKeySet();
const platform = platformKeySet();
const MCHID = '1900007291';
const ours = { mchid: MCHID, serialNo: merchant.serial, privateKey: merchant.privateKey };
const body =
  '{"appid":"wxd678efh567hg6787","mchid":"1900007291","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","amount":{"total":100,"currency":"CNY"}}';

describe('requests: the plugin signs, we check; we sign, the plugin checks', () => {
  it("the plugin's axios request interceptor produces an Authorization we parse, verify, and reproduce exactly", () => {
    const config = {
      method: 'post',
      baseURL: 'https://api.mch.weixin.qq.com/',
      url: '/v3/pay/transactions/native?x=%3D1',
      data: JSON.parse(body) as unknown,
      headers: {},
      mchid: MCHID,
      serial: merchant.serial,
      privateKey: merchant.privateKeyPem,
    };
    const signed = Decorator.requestInterceptor()(config);
    const auth = parseAuthorization(signed.headers.get('Authorization'));
    expect(auth).toMatchObject({ mchid: MCHID, serial_no: merchant.serial });
    // The plugin sends JSON.stringify(data): that is the body on the wire.
    const message = requestMessage(
      'POST',
      '/v3/pay/transactions/native?x=%3D1',
      auth.timestamp,
      auth.nonce_str,
      JSON.stringify(config.data),
    );
    expect(rsaVerify('sha256', message, merchant.publicKey, Buffer.from(auth.signature, 'base64'))).toBe(true);
    const again = signRequest(ours, {
      method: 'post',
      url: 'https://api.mch.weixin.qq.com/v3/pay/transactions/native?x=%3D1',
      body: JSON.stringify(config.data),
      timestamp: auth.timestamp,
      nonce: auth.nonce_str,
    });
    expect(again.signature).toBe(auth.signature);
  });

  it('for the same inputs, Formatter.request + Rsa.sign equals our message and signature; its header parses to the same fields', () => {
    const [ts, nonce] = ['1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242'];
    for (const [method, url, b] of [
      ['POST', '/v3/pay/transactions/jsapi', body],
      ['GET', '/v3/refund/domestic/refunds/123123123123', ''],
      ['DELETE', '/v3/x?a=1', ''],
    ] as const) {
      const theirs = Rsa.sign(Formatter.request(method, url, ts, nonce, b), Rsa.from(merchant.privateKeyPem));
      const mine = signRequest(ours, { method, url, body: b, timestamp: ts, nonce });
      expect(Formatter.request(method, url, ts, nonce, b)).toBe(mine.message);
      expect(mine.signature).toBe(theirs);
      expect(parseAuthorization(Formatter.authorization(MCHID, nonce, theirs, ts, merchant.serial))).toEqual(
        parseAuthorization(mine.authorization),
      );
    }
  });

  it("our Authorization header is accepted by the plugin's primitives (parsed here by a plain regex, not our parser)", () => {
    const mine = signRequest(ours, {
      method: 'PATCH',
      url: '/v3/x/y?z=1',
      body,
      timestamp: '1700000000',
      nonce: 'abc123',
    });
    expect(mine.authorization.startsWith('WECHATPAY2-SHA256-RSA2048 ')).toBe(true);
    const fields = Object.fromEntries([...mine.authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(Object.keys(fields).sort()).toEqual(['mchid', 'nonce_str', 'serial_no', 'signature', 'timestamp']);
    const message = Formatter.request('PATCH', '/v3/x/y?z=1', fields.timestamp!, fields.nonce_str!, body);
    expect(Rsa.verify(message, fields.signature!, Rsa.from(merchant.publicKeyPem, 'public'))).toBe(true);
    expect(
      Rsa.verify(message.replace('z=1', 'z=2'), fields.signature!, Rsa.from(merchant.publicKeyPem, 'public')),
    ).toBe(false);
  });
});

describe('responses and notifications', () => {
  const now = Math.floor(Date.now() / 1000);
  const ts = String(now);
  const nonce = 'd824f2e086d3c1df967785d13fcd22ef';
  const data = '{"code_url":"weixin://wxpay/bizpayurl?pr=JyC91EIz1"}';
  const keys = createKeyStore([[PUBLIC_KEY_ID, platform.publicKey]]);

  it('a signature made by the plugin verifies with our verifySignature; a changed body does not', () => {
    const signature = Rsa.sign(Formatter.response(ts, nonce, data), Rsa.from(platform.privateKeyPem));
    const headers = {
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': PUBLIC_KEY_ID,
    };
    expect(verifySignature({ headers, body: data, keys, now }).serial).toBe(PUBLIC_KEY_ID);
    expect(() => verifySignature({ headers, body: `${data} `, keys, now })).toThrow(
      expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }),
    );
  });

  it("our signature passes the plugin's Rsa.verify and its axios response verifier; a probe does not", () => {
    const signature = signMessage(platform.privateKey, responseMessage(ts, nonce, data));
    expect(Rsa.verify(Formatter.response(ts, nonce, data), signature, Rsa.from(platform.publicKeyPem, 'public'))).toBe(
      true,
    );
    const verifier = Decorator.responseVerifier({ [PUBLIC_KEY_ID]: platform.publicKeyPem });
    const self = { url: '/v3/pay/transactions/native', validateStatus: (s: number) => s >= 200 && s < 300 };
    const headers = {
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': PUBLIC_KEY_ID,
    };
    expect(verifier.call(self, data, headers, 200)).toBe(data);
    const probe = verifier.call(
      self,
      data,
      { ...headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${signature.slice(20)}` },
      200,
    );
    expect(probe).not.toBe(data);
  });
});

describe('AEAD_AES_256_GCM and RSA-OAEP-SHA1 both ways', () => {
  trackSecret('interop APIv3 key', TEST_APIV3_KEY);
  const key = apiV3KeyFrom(TEST_APIV3_KEY);
  const resource = '{"mchid":"1900007291","out_trade_no":"T1","trade_state":"SUCCESS"}';

  it("the plugin's AesGcm.encrypt opens with aeadOpen; our aeadSeal decrypts with AesGcm.decrypt (12-byte nonce, empty AAD too)", () => {
    for (const aad of ['transaction', '']) {
      const theirs = Aes.AesGcm.encrypt(resource, TEST_APIV3_KEY, 'uluk4a9R25RW', aad);
      expect(
        aeadOpen(key, {
          algorithm: 'AEAD_AES_256_GCM',
          nonce: 'uluk4a9R25RW',
          associated_data: aad,
          ciphertext: theirs,
        }).toString(),
      ).toBe(resource);
      const mine = aeadSeal(key, 'uluk4a9R25RW', aad, resource);
      expect(mine).toBe(theirs);
      expect(Aes.AesGcm.decrypt(mine, TEST_APIV3_KEY, 'uluk4a9R25RW', aad)).toBe(resource);
    }
  });

  it("the plugin's known AES-GCM answers (16-byte IV) reproduce with aeadSeal", () => {
    const k = apiV3KeyFrom('0123456789abcdef0123456789abcdef');
    expect(aeadSeal(k, '0123456789abcdef', '', '')).toBe('GvpmmdtYwexXIPhySs9Tlg==');
    expect(aeadSeal(k, '0123456789abcdef', 'world', 'hello')).toBe('APoZlYpivU3HjbAiB4CvW1rAFr8J');
  });

  it('OAEP: its Rsa.encrypt decrypts with oaepDecrypt, and our oaepEncrypt with its Rsa.decrypt', () => {
    const theirs = Rsa.encrypt('张三', Rsa.from(platform.publicKeyPem, 'public'));
    expect(oaepDecrypt(platform.privateKey, theirs)).toBe('张三');
    const mine = oaepEncrypt(platform.publicKey, '13800138000');
    expect(Rsa.decrypt(mine, Rsa.from(platform.privateKeyPem))).toBe('13800138000');
  });
});
