// Key sets for tests: a merchant RSA key with its certificate (made by src/protocol/x509.ts), and a "WeChat Pay
// side" key pair with a platform certificate. The keys are the committed test-only ones (./test-keys.ts), one
// per name and test file (a cache keyed by both: unit files share a module graph), and every private key is registered with
// the secrets scan, so no command output in the suite may ever contain it.
import type { KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { parseCertificate } from '../../src/protocol/keys.js';
import { createCertificatePem } from '../../src/protocol/x509.js';
import { trackSecret } from './secrets.js';
import { currentTestFile, nextTestKeyPair } from './test-keys.js';
import { removeTemp } from './scan-written-files.js';

export interface KeySet {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 PEM: a secret, registered with the scan. */
  privateKeyPem: string;
  /** SPKI PEM (the shape of pub_key.pem). */
  publicKeyPem: string;
  certPem: string;
  serial: string;
  validTo: Date;
}

export interface CertOptions {
  /** Subject CN: the mchid for a merchant certificate. */
  cn?: string;
  notAfter?: Date;
}

const cache = new Map<string, KeySet>();

/** A key pair and a self-signed certificate, cached by name within the test file. */
export function keySet(name: string, opts: CertOptions = {}): KeySet {
  const id = `${currentTestFile()}\0${name}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const { privateKey, publicKey } = nextTestKeyPair();
  const notAfter = opts.notAfter ?? new Date(Date.UTC(2036, 0, 1));
  const certPem = createCertificatePem({
    subject: [['CN', opts.cn ?? '1900007291']],
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(Date.UTC(2024, 0, 1)),
    notAfter,
  });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  trackSecret(`generated private key "${name}"`, privateKeyPem);
  const set: KeySet = {
    privateKey,
    publicKey,
    privateKeyPem,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    certPem,
    serial: parseCertificate(certPem).serial,
    validTo: notAfter,
  };
  cache.set(id, set);
  return set;
}

/** The merchant: CN = mchid, as on apiclient_cert.pem. */
export const merchantKeySet = (name = 'merchant', mchid = '1900007291'): KeySet => keySet(name, { cn: mchid });

/** WeChat Pay's side: one key for the platform certificate and the public key (as wechatpay-java's fixtures). */
export const platformKeySet = (name = 'platform', notAfter?: Date): KeySet =>
  keySet(name, { cn: 'Tenpay.com sign', ...(notAfter ? { notAfter } : {}) });

export const PUBLIC_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
/** 32 bytes: a valid APIv3 key shape. Register it with trackSecret where a test uses it. */
export const TEST_APIV3_KEY = 'T3stApiV3Key0123456789abcdefGHIJ';

/** A temp folder removed after the file's tests. */
export function tempDir(prefix = 'wxpay-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => removeTemp(dir));
  return dir;
}

export interface MerchantFiles {
  dir: string;
  keyPath: string;
  certPath: string;
  apiV3KeyPath: string;
  pubKeyPath: string;
  platformCertDir: string;
}

/**
 * Writes a complete merchant folder: apiclient_key.pem (0600), apiclient_cert.pem, apiv3.key (0600),
 * pub_key.pem and certs/wechatpay_<SERIAL>.pem.
 */
export function writeMerchantFiles(
  dir: string,
  merchant: KeySet,
  platform: KeySet,
  apiV3Key = TEST_APIV3_KEY,
): MerchantFiles {
  mkdirSync(dir, { recursive: true });
  const files: MerchantFiles = {
    dir,
    keyPath: path.join(dir, 'apiclient_key.pem'),
    certPath: path.join(dir, 'apiclient_cert.pem'),
    apiV3KeyPath: path.join(dir, 'apiv3.key'),
    pubKeyPath: path.join(dir, 'pub_key.pem'),
    platformCertDir: path.join(dir, 'certs'),
  };
  writeFileSync(files.keyPath, merchant.privateKeyPem, { mode: 0o600 });
  chmodSync(files.keyPath, 0o600);
  writeFileSync(files.certPath, merchant.certPem);
  writeFileSync(files.apiV3KeyPath, `${apiV3Key}\n`, { mode: 0o600 });
  chmodSync(files.apiV3KeyPath, 0o600);
  writeFileSync(files.pubKeyPath, platform.publicKeyPem);
  mkdirSync(files.platformCertDir, { recursive: true });
  writeFileSync(path.join(files.platformCertDir, `wechatpay_${platform.serial}.pem`), platform.certPem);
  trackSecret('APIv3 key in a merchant folder', apiV3Key);
  return files;
}

// SIGN_ERROR replies for `sign --explain`, shaped like the real one in docs/protocol.md §1.
/** The real reply quoted in docs/protocol.md §1. */
export const REAL_SIGN_ERROR =
  '{"code":"SIGN_ERROR","message":"错误的签名,验签失败","detail":{"detail":{"issue":"sign not match"},"field":"signature","location":"authorization","sign_information":{"method":"POST","sign_message_length":304,"truncated_sign_message":"POST\\n/v3/pay/transactions/h5\\n1623918286\\ntogiz2ig.ccl\\n{\\"mchid\\"\\n","url":"/v3/pay/transactions/h5"}}}';

/** What WeChat Pay answers for a request whose message (as the server rebuilt it) is `sent`. */
export function signErrorFor(method: string, url: string, sent: Buffer): string {
  // Cut 8 bytes into the body, as the real reply shows `{"mchid"`, then the server's own "\n".
  let head = 0;
  for (let i = 0; i < 4; i++) head = sent.indexOf(0x0a, head) + 1;
  const truncated = `${sent.subarray(0, head + 8).toString('utf8')}\n`;
  return JSON.stringify({
    code: 'SIGN_ERROR',
    message: '错误的签名,验签失败',
    detail: {
      detail: { issue: 'sign not match' },
      field: 'signature',
      location: 'authorization',
      sign_information: { method, sign_message_length: sent.length, truncated_sign_message: truncated, url },
    },
  });
}
