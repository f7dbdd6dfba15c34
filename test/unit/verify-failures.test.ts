import { describe, expect, it } from 'vitest';
import { responseMessage } from '../../src/protocol/canonical.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { signMessage } from '../../src/protocol/sign.js';
import { verifySignature } from '../../src/protocol/verify.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

const { privateKey, publicKey } = nextTestKeyPair();
const SERIAL = 'PUB_KEY_ID_0114232134912410000000000000000001';
const keys = createKeyStore([[SERIAL, publicKey]]);
const body = '{"code_url":"weixin://wxpay/bizpayurl?pr=abc"}';
const ts = '1700000000';
const nonce = 'd824f2e086d3c1df967785d13fcd22ef';
const signature = signMessage(privateKey, responseMessage(ts, nonce, body));
const headers = {
  'wechatpay-timestamp': ts,
  'wechatpay-nonce': nonce,
  'wechatpay-signature': signature,
  'wechatpay-serial': SERIAL,
};
const now = 1700000000;

const flip = (s: string, i: number) => s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1);

describe('verifySignature failures', () => {
  it('accepts the untouched message, headers in any case', () => {
    const mixed = {
      'Wechatpay-Timestamp': ts,
      'WECHATPAY-NONCE': nonce,
      'Wechatpay-Signature': signature,
      'wechatpay-serial': SERIAL,
    };
    expect(verifySignature({ headers: mixed, body, keys, now }).serial).toBe(SERIAL);
    expect(verifySignature({ headers, body: Buffer.from(body), keys, now }).skew).toBe(0);
  });

  it.each([0, 10, body.length - 1])('one changed body byte at %i fails as VERIFY_BAD_SIGNATURE', (i) => {
    expect(() => verifySignature({ headers, body: flip(body, i), keys, now })).toThrow(
      expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE', exitCode: 6 }),
    );
  });

  it('a re-serialised body fails (pretty-printed JSON is not the raw body)', () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    expect(() => verifySignature({ headers, body: pretty, keys, now })).toThrow(
      expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE', hint: expect.stringContaining('raw body') }),
    );
  });

  it('a changed signature, nonce or timestamp fails', () => {
    expect(() =>
      verifySignature({ headers: { ...headers, 'wechatpay-signature': flip(signature, 5) }, body, keys, now }),
    ).toThrow(expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }));
    expect(() =>
      verifySignature({ headers: { ...headers, 'wechatpay-nonce': flip(nonce, 0) }, body, keys, now }),
    ).toThrow(expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }));
    expect(() =>
      verifySignature({ headers: { ...headers, 'wechatpay-timestamp': '1700000001' }, body, keys, now }),
    ).toThrow(expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }));
  });

  it('the window rejects at |skew| >= 300 both ways and accepts 299', () => {
    expect(verifySignature({ headers, body, keys, now: now + 299 }).skew).toBe(299);
    expect(verifySignature({ headers, body, keys, now: now - 299 }).skew).toBe(-299);
    expect(() => verifySignature({ headers, body, keys, now: now + 300 })).toThrow(
      expect.objectContaining({
        code: 'VERIFY_TIMESTAMP',
        message: expect.stringContaining('stale'),
        details: { skew: 300, windowSeconds: 300 },
      }),
    );
    expect(() => verifySignature({ headers, body, keys, now: now - 300 })).toThrow(
      expect.objectContaining({ code: 'VERIFY_TIMESTAMP', message: expect.stringContaining('future') }),
    );
  });

  it('a millisecond timestamp is rejected with a hint', () => {
    expect(() =>
      verifySignature({ headers: { ...headers, 'wechatpay-timestamp': '1700000000000' }, body, keys, now }),
    ).toThrow(expect.objectContaining({ code: 'VERIFY_TIMESTAMP' }));
  });

  it('an unknown serial lists the known ones', () => {
    expect(() =>
      verifySignature({
        headers: { ...headers, 'wechatpay-serial': '5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC' },
        body,
        keys,
        now,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VERIFY_UNKNOWN_SERIAL',
        details: { serial: '5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC', known: [SERIAL] },
      }),
    );
  });

  it('missing headers are named', () => {
    expect(() => verifySignature({ headers: { 'wechatpay-serial': SERIAL }, body, keys, now })).toThrow(
      expect.objectContaining({
        code: 'VERIFY_MISSING_HEADER',
        details: { missing: ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature'] },
      }),
    );
  });

  it('a WECHATPAY/SIGNTEST/ probe is reported as a probe and never crashes the decoder', () => {
    for (const junk of ['2sWfO+6tVVsZonOXBXHOrle0TugJ31jDV3iGpjF', 'a', '!!!', '']) {
      expect(() =>
        verifySignature({
          headers: { ...headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${junk}` },
          body,
          keys,
          now,
        }),
      ).toThrow(expect.objectContaining({ code: 'VERIFY_PROBE', message: expect.stringContaining('probe') }));
    }
  });

  it('a signature that is not base64 fails cleanly', () => {
    expect(() =>
      verifySignature({ headers: { ...headers, 'wechatpay-signature': '@@@not base64@@@' }, body, keys, now }),
    ).toThrow(expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }));
  });
});
