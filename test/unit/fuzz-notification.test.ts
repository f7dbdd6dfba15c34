// Fuzzing (issue 9) the notification receiver, verifyAndDecrypt: arbitrary bytes and headers, byte mutations of
// a valid signed notification (which must then fail verification), and structured mutations of its JSON that
// are RE-SIGNED, so they pass verification and reach the envelope parser and the AEAD open. Each outcome is a
// success or a typed WxpayError; a mutated body that still verifies must decrypt to what was sealed.
import { fc } from '../helpers/fc.js';
import { describe, expect, it } from 'vitest';
import { aeadSeal, apiV3KeyFrom } from '../../src/protocol/aead.js';
import { responseMessage } from '../../src/protocol/canonical.js';
import { WxpayError } from '../../src/protocol/errors.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { buildNotification, verifyAndDecrypt } from '../../src/protocol/notification.js';
import { signMessage } from '../../src/protocol/sign.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

const { privateKey, publicKey } = nextTestKeyPair();
const SERIAL = 'PUB_KEY_ID_0114231234567890123456789012345679';
const keys = createKeyStore([[SERIAL, publicKey]]);
const apiV3Key = apiV3KeyFrom('notifyfuzznotifyfuzznotifyfuzz01');
const NOW = 1_800_000_000;
const TS = String(NOW);
const base = buildNotification({
  eventType: 'REFUND.SUCCESS',
  originalType: 'refund',
  plaintext: { out_refund_no: 'R1', refund_status: 'SUCCESS' },
  apiV3Key,
  signingKey: privateKey,
  serial: SERIAL,
  timestamp: TS,
  nonce: 'nn',
  resourceNonce: '0123456789ab',
  id: 'EV-n',
  createTime: '2026-11-28T10:00:00+08:00',
});

const outcome = (headers: Record<string, string>, rawBody: string | Buffer): 'ok' | string => {
  try {
    verifyAndDecrypt({ headers, rawBody, keys, apiV3Key, now: NOW });
    return 'ok';
  } catch (e) {
    if (e instanceof WxpayError) return e.code;
    throw e;
  }
};
const signed = (body: string | Buffer) => ({
  ...base.headers,
  'Wechatpay-Signature': signMessage(privateKey, responseMessage(TS, 'nn', body)),
});

describe('verifyAndDecrypt under fuzzing', () => {
  it('the base notification is accepted', () => {
    expect(outcome(base.headers, base.body)).toBe('ok');
  });

  it('arbitrary bytes with the real headers: never a crash, never accepted', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 800 }),
        (b) => outcome(base.headers, Buffer.from(b)) === 'VERIFY_BAD_SIGNATURE',
      ),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes, correctly signed: a typed parse/decrypt error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        const code = outcome(signed(Buffer.from(b)), Buffer.from(b));
        return [
          'NOTIFY_NOT_JSON',
          'NOTIFY_BAD_RESOURCE',
          'DECRYPT_FAILED',
          'DECRYPT_TRUNCATED',
          'DECRYPT_UNSUPPORTED',
        ].includes(code);
      }),
      { numRuns: 80 },
    );
  });

  it('any single-byte change of the signed body is refused as a bad signature', () => {
    const body = Buffer.from(base.body);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const b = Buffer.from(body);
        const k = at % b.length;
        b[k] = b[k]! ^ xor;
        return outcome(base.headers, b) === 'VERIFY_BAD_SIGNATURE';
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary or missing signature headers fail typed', () => {
    const names = fc.constantFrom('Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(names, fc.option(fc.string({ maxLength: 80 }), { nil: undefined })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const h: Record<string, string> = { ...base.headers };
          for (const [n, v] of edits) {
            if (v === undefined) delete h[n];
            else h[n] = v;
          }
          const code = outcome(h, base.body);
          return code === 'ok' ? edits.every(([n, v]) => v === base.headers[n]) : code.startsWith('VERIFY_');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('structured mutations of the envelope, re-signed, fail as typed parse or decrypt errors', () => {
    const paths = fc.constantFrom(
      'id',
      'event_type',
      'resource',
      'resource.ciphertext',
      'resource.nonce',
      'resource.associated_data',
      'resource.algorithm',
      'resource.original_type',
      'summary',
    );
    fc.assert(
      fc.property(paths, fc.jsonValue({ maxDepth: 2 }), fc.boolean(), (where, value, drop) => {
        const ev = JSON.parse(base.body) as Record<string, Record<string, unknown>>;
        const [a, b] = where.split('.') as [string, string | undefined];
        const target = b ? ev[a]! : (ev as Record<string, unknown>);
        const key = b ?? a;
        if (drop) delete target[key];
        else target[key] = value;
        const body = JSON.stringify(ev);
        const code = outcome(signed(body), body);
        // Only fields the receiver does not depend on may change without an error.
        return code === 'ok'
          ? ['summary', 'resource.original_type', 'id', 'event_type'].includes(where) ||
              (where === 'resource.algorithm' && drop)
          : !code.startsWith('VERIFY_');
      }),
      { numRuns: 150 },
    );
  });

  it('a re-signed resource sealed over arbitrary plaintext decrypts or fails as NOTIFY_BAD_RESOURCE', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (plain) => {
        const ev = JSON.parse(base.body) as { resource: Record<string, string> };
        ev.resource.ciphertext = aeadSeal(apiV3Key, ev.resource.nonce!, ev.resource.associated_data!, plain);
        const body = JSON.stringify(ev);
        const code = outcome(signed(body), body);
        let isObject = false;
        try {
          const v: unknown = JSON.parse(plain);
          isObject = v !== null && typeof v === 'object' && !Array.isArray(v);
        } catch {
          isObject = false;
        }
        return code === (isObject ? 'ok' : 'NOTIFY_BAD_RESOURCE');
      }),
      { numRuns: 100 },
    );
  });
});
