// Sensitive fields (docs/protocol.md §7): the client encrypts to the key it names in Wechatpay-Serial, in both key
// modes; the sandbox decrypts only with its key for that serial and refuses another serial, PKCS#1 v1.5 and
// OAEP-SHA256 with 400 PARAM_ERROR.
import { constants, publicEncrypt, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptForClient, encryptionKeyFor } from '../../src/api/sensitive.js';
import type { WxpayClient } from '../../src/http/client.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { isWxpayError } from '../../src/protocol/errors.js';
import { chooseEncryptionKey, encryptFields, encryptSensitive } from '../../src/protocol/sensitive.js';
import { SandboxApiError } from '../../src/sandbox/api-error.js';
import type { SandboxKeys, SandboxMode } from '../../src/sandbox/keyset.js';
import { NOT_CIPHERTEXT_MESSAGE, SERIAL_MISSING_MESSAGE, decryptSensitive } from '../../src/sandbox/sensitive.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

const certA = nextTestKeyPair();
const certB = nextTestKeyPair();
const pub = nextTestKeyPair();
const SERIAL_A = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const SERIAL_B = '6A0B2E2D7C1F3E4D5C6B7A8990A1B2C3D4E5F607';
const PUB_ID = 'PUB_KEY_ID_0112233445566778899001122334455667';

function sandboxCtx(mode: SandboxMode) {
  const keys = {
    platform: [
      { serial: SERIAL_A, privateKey: certA.privateKey, certPem: '' },
      { serial: SERIAL_B, privateKey: certB.privateKey, certPem: '' },
    ],
    publicKeyId: PUB_ID,
    publicKey: pub.publicKey,
    publicKeyPrivate: pub.privateKey,
  } as unknown as SandboxKeys;
  return { keys, mode };
}

function refusal(fn: () => unknown): SandboxApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SandboxApiError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const v15 = (key: KeyObject, text: string) =>
  publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(text)).toString('base64');
const oaep256 = (key: KeyObject, text: string) =>
  publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(text)).toString(
    'base64',
  );

describe('client: which key a sensitive field is encrypted to', () => {
  it('prefers the WeChat Pay public key when the profile has one (public-key and mixed modes)', () => {
    const store = createKeyStore([
      [SERIAL_A, certA.publicKey],
      [PUB_ID, pub.publicKey],
    ]);
    expect(chooseEncryptionKey(store)?.serial).toBe(PUB_ID);
  });

  it('platform-certificate mode: the newest fetched certificate, else the last one in the store', () => {
    const store = createKeyStore([
      [SERIAL_A, certA.publicKey],
      [SERIAL_B, certB.publicKey],
    ]);
    expect(chooseEncryptionKey(store)?.serial).toBe(SERIAL_B);
    const fetched = [
      { serial: SERIAL_B, publicKey: certB.publicKey, validFrom: new Date('2024-01-01') },
      { serial: SERIAL_A, publicKey: certA.publicKey, validFrom: new Date('2025-06-01') },
    ];
    expect(chooseEncryptionKey(new Map(), fetched)?.serial).toBe(SERIAL_A);
    expect(chooseEncryptionKey(new Map())).toBeUndefined();
  });

  it('with no key on disk, fetches /v3/certificates once and uses the newest', async () => {
    const calls: string[] = [];
    const client = {
      keys: () => new Map(),
      request: async (req: { path: string }) => {
        calls.push(req.path);
        return {
          certificates: [{ serial: SERIAL_B, publicKey: certB.publicKey, validFrom: new Date('2026-01-01') }],
        };
      },
    } as unknown as WxpayClient;
    const key = await encryptionKeyFor(client);
    expect(key.serial).toBe(SERIAL_B);
    expect(calls).toEqual(['/v3/certificates']);
  });

  it('asks nothing and sends no header when no field is set', async () => {
    const client = {
      keys: () => {
        throw new Error('must not be asked');
      },
    } as unknown as WxpayClient;
    expect(await encryptForClient(client, { user_name: undefined })).toEqual({ fields: {}, headers: {} });
  });

  it('refuses a plaintext over 214 bytes with a usage error, not a crypto crash', () => {
    const err = (() => {
      try {
        encryptSensitive({ serial: SERIAL_A, publicKey: certA.publicKey }, '张'.repeat(72), 'user_name');
      } catch (e) {
        return e;
      }
    })();
    expect(isWxpayError(err) && err.code).toBe('USAGE');
    expect(() => encryptSensitive({ serial: SERIAL_A, publicKey: certA.publicKey }, '张'.repeat(71))).not.toThrow();
  });
});

describe('sandbox: decrypts only with its key for the serial sent', () => {
  for (const [mode, serial, key] of [
    ['cert', SERIAL_A, certA.publicKey],
    ['cert', SERIAL_B, certB.publicKey],
    ['pubkey', PUB_ID, pub.publicKey],
    ['mixed', PUB_ID, pub.publicKey],
  ] as const) {
    it(`${mode} mode: a field encrypted to ${serial.slice(0, 14)}… with that serial decrypts`, () => {
      const enc = encryptFields({ serial, publicKey: key }, { user_name: '张三' });
      expect(enc.headers).toEqual({ 'Wechatpay-Serial': serial });
      const plain = decryptSensitive(
        sandboxCtx(mode),
        { 'wechatpay-serial': serial },
        { '/user_name': enc.fields.user_name },
      );
      expect(plain).toEqual({ '/user_name': '张三' });
    });
  }

  it('a field encrypted to another key than the serial names is refused (known serial, wrong key)', () => {
    const enc = encryptFields({ serial: SERIAL_A, publicKey: certA.publicKey }, { user_name: '张三' });
    const e = refusal(() =>
      decryptSensitive(sandboxCtx('mixed'), { 'wechatpay-serial': PUB_ID }, { '/user_name': enc.fields.user_name }),
    );
    expect([e.status, e.code, e.message]).toEqual([400, 'PARAM_ERROR', NOT_CIPHERTEXT_MESSAGE]);
    expect(e.detail).toEqual({ location: 'body' });
  });

  it('a serial the sandbox does not hold in this mode is refused', () => {
    const enc = encryptFields({ serial: PUB_ID, publicKey: pub.publicKey }, { user_name: '张三' });
    const e = refusal(() =>
      decryptSensitive(sandboxCtx('cert'), { 'wechatpay-serial': PUB_ID }, { '/user_name': enc.fields.user_name }),
    );
    expect([e.status, e.code, e.message]).toEqual([400, 'PARAM_ERROR', '平台证书序列号Wechatpay-Serial错误']);
  });

  it('PKCS#1 v1.5 and OAEP-SHA256 ciphertexts are refused even for the right key', () => {
    for (const bad of [v15(certA.publicKey, '张三'), oaep256(certA.publicKey, '张三')]) {
      const e = refusal(() =>
        decryptSensitive(sandboxCtx('cert'), { 'wechatpay-serial': SERIAL_A }, { '/user_name': bad }),
      );
      expect([e.status, e.code, e.message]).toEqual([400, 'PARAM_ERROR', NOT_CIPHERTEXT_MESSAGE]);
    }
  });

  it('plaintext where ciphertext belongs is refused', () => {
    const e = refusal(() =>
      decryptSensitive(sandboxCtx('cert'), { 'wechatpay-serial': SERIAL_A }, { '/user_name': '张三' }),
    );
    expect(e.message).toBe(NOT_CIPHERTEXT_MESSAGE);
  });

  it('a sensitive field without Wechatpay-Serial is refused; no field needs no header', () => {
    const enc = encryptFields({ serial: SERIAL_A, publicKey: certA.publicKey }, { user_name: '张三' });
    const e = refusal(() => decryptSensitive(sandboxCtx('cert'), {}, { '/user_name': enc.fields.user_name }));
    expect([e.status, e.code, e.message]).toEqual([400, 'PARAM_ERROR', SERIAL_MISSING_MESSAGE]);
    expect(decryptSensitive(sandboxCtx('cert'), {}, { '/user_name': undefined })).toEqual({});
  });
});
