// Property tests (issue 9): the core parsers never crash on arbitrary input, only succeed or throw a typed
// WxpayError, and sign/verify round-trips hold while any single-byte change fails.
import { fc } from '../helpers/fc.js';
import { describe, expect, it } from 'vitest';
import { aeadOpen, aeadSeal, apiV3KeyFrom } from '../../src/protocol/aead.js';
import { buildAuthorization, parseAuthorization, responseMessage } from '../../src/protocol/canonical.js';
import { WxpayError } from '../../src/protocol/errors.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { signMessage } from '../../src/protocol/sign.js';
import { verifySignature } from '../../src/protocol/verify.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

const RUNS = { numRuns: 200 };
const typedOrOk = (fn: () => unknown): boolean => {
  try {
    fn();
    return true;
  } catch (e) {
    return e instanceof WxpayError;
  }
};

const { privateKey, publicKey } = nextTestKeyPair();
const SERIAL = 'PUB_KEY_ID_0000000000000000000000000000000042';
const keys = createKeyStore([[SERIAL, publicKey]]);
const apiKey = apiV3KeyFrom('0123456789abcdef0123456789abcdef');
const NOW = 1_800_000_000;

describe('Authorization parser', () => {
  it('never crashes on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => typedOrOk(() => parseAuthorization(s))),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) =>
        typedOrOk(() => parseAuthorization(`WECHATPAY2-SHA256-RSA2048 ${s}`)),
      ),
      RUNS,
    );
  });

  it('round-trips any field values without quotes or commas, in any order', () => {
    const value = fc.stringMatching(/^[A-Za-z0-9+/=_-]{1,40}$/);
    fc.assert(
      fc.property(
        value,
        value,
        value,
        value,
        value,
        fc.nat(),
        (mchid, nonce_str, signature, timestamp, serial_no, seed) => {
          const fields = { mchid, nonce_str, signature, timestamp, serial_no };
          const pairs = Object.entries(fields).map(([k, v]) => `${k}="${v}"`);
          for (let i = pairs.length - 1; i > 0; i--) {
            const j = (seed + i * 7) % (i + 1);
            [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
          }
          expect(parseAuthorization(`WECHATPAY2-SHA256-RSA2048 ${pairs.join(',')}`)).toEqual(fields);
          expect(parseAuthorization(buildAuthorization(fields))).toEqual(fields);
        },
      ),
      RUNS,
    );
  });
});

describe('signature verification', () => {
  it('verify(sign(x)) holds for any body, and any single-byte change fails', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, xor) => {
          const body = Buffer.from(bytes);
          const ts = String(NOW);
          const nonce = 'n0nce';
          const headers = {
            'wechatpay-timestamp': ts,
            'wechatpay-nonce': nonce,
            'wechatpay-serial': SERIAL,
            'wechatpay-signature': signMessage(privateKey, responseMessage(ts, nonce, body)),
          };
          expect(verifySignature({ headers, body, keys, now: NOW }).serial).toBe(SERIAL);
          const changed = Buffer.from(body);
          const i = at % changed.length;
          changed[i] = changed[i]! ^ xor;
          expect(() => verifySignature({ headers, body: changed, keys, now: NOW })).toThrow(
            expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('arbitrary header values never crash the verifier', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), fc.string(), (ts, nonce, sig, serial, body) =>
        typedOrOk(() =>
          verifySignature({
            headers: {
              'wechatpay-timestamp': ts,
              'wechatpay-nonce': nonce,
              'wechatpay-signature': sig,
              'wechatpay-serial': serial,
            },
            body,
            keys,
            now: NOW,
          }),
        ),
      ),
      RUNS,
    );
  });
});

describe('AEAD open', () => {
  it('never crashes on arbitrary resources', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        (nonce, ad, ct, algorithm) =>
          typedOrOk(() =>
            aeadOpen(apiKey, {
              nonce: nonce || 'x',
              associated_data: ad,
              ciphertext: ct,
              ...(algorithm === undefined ? {} : { algorithm }),
            }),
          ),
      ),
      RUNS,
    );
  });

  it('seal/open round-trips, and a flipped ciphertext byte or changed AAD fails as DECRYPT_FAILED', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 20 }),
        fc.stringMatching(/^[A-Za-z0-9]{12}$/),
        fc.nat(),
        (plain, ad, nonce, at) => {
          const ciphertext = aeadSeal(apiKey, nonce, ad, plain);
          expect(aeadOpen(apiKey, { nonce, associated_data: ad, ciphertext }).toString()).toBe(plain);
          const buf = Buffer.from(ciphertext, 'base64');
          const j = at % buf.length;
          buf[j] = buf[j]! ^ 1;
          expect(() => aeadOpen(apiKey, { nonce, associated_data: ad, ciphertext: buf.toString('base64') })).toThrow(
            expect.objectContaining({ code: 'DECRYPT_FAILED' }),
          );
          expect(() => aeadOpen(apiKey, { nonce, associated_data: `${ad}x`, ciphertext })).toThrow(
            expect.objectContaining({ code: 'DECRYPT_FAILED' }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('aeadOpen on a hostile algorithm value', () => {
  it('an algorithm that is an object (its toString not callable) is DECRYPT_UNSUPPORTED, not a TypeError (regression: fuzz seed -2107621902)', () => {
    const key = apiV3KeyFrom('fuzzfuzzfuzzfuzzfuzzfuzzfuzz0001');
    const resource = { nonce: 'n', ciphertext: '', algorithm: { toString: '' } as unknown as string };
    expect(() => aeadOpen(key, resource)).toThrow(
      expect.objectContaining({ code: 'DECRYPT_UNSUPPORTED', message: 'Unsupported algorithm of type object' }),
    );
  });
});
