// Makes the sandbox's throwaway keys and certificates: RSA pairs, the merchant certificate (CN = mchid), platform
// certificates (Tenpay.com subject) and the APIv3 key. Every file is written 0600 and never through a symlink.
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseCertificate } from '../protocol/keys.js';
import { writeFileSafe } from '../files/safe-write.js';
import { createCertificatePem } from '../protocol/x509.js';
import { exists, paths } from './keyset-files.js';

const genRsa = promisify(generateKeyPair);
/** Makes the sandbox's RSA key pairs; a fresh 2048-bit pair unless a caller (the test suite) injects its own. */
export type RsaKeyPairMaker = () => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;
export const rsa2048: RsaKeyPairMaker = () => genRsa('rsa', { modulusLength: 2048 });
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface KeygenNeeds {
  merchant: boolean;
  platform: boolean;
  publicKey: boolean;
}

/** Starts the 2048-bit keygens an init still needs all at once, in the order merchant, platform, public key (an
 *  injected maker hands its keys out in call order), and gives each key its own maker that returns that pair.
 *  generateKeyPair runs on libuv's thread pool: the same CPU, but the ~0.18 s each costs overlaps on 2+ cores.
 *  The files are still written one after another by the caller, each after its abort check, so a Ctrl-C never
 *  leaves a write in flight behind a step that has already settled. */
export function startKeygens(maker: RsaKeyPairMaker, need: KeygenNeeds): Record<keyof KeygenNeeds, RsaKeyPairMaker> {
  const start = (needed: boolean): RsaKeyPairMaker => {
    if (!needed) return maker;
    const pair = maker();
    pair.catch(() => undefined); // a pair nobody awaits (an earlier step threw) must not be an unhandled rejection
    return () => pair;
  };
  const merchant = start(need.merchant);
  const platform = start(need.platform);
  return { merchant, platform, publicKey: start(need.publicKey) };
}

/** Every file of the key set, keys and certificates alike, is written 0600 and never through a symlink. */
export async function put(file: string, text: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileSafe(file, text);
}

export const pem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();

/** 32 printable ASCII characters (letters and digits), so the key survives any editor or shell. */
export function newApiV3Key(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('');
}

/** Creates a platform key and certificate (Tenpay.com subject, 5 years) in `<dir>/wechatpay/`; returns its serial. */
export async function createPlatformCert(
  dir: string,
  now = Date.now(),
  signal?: AbortSignal,
  newRsaKeyPair = rsa2048,
): Promise<string> {
  const { privateKey, publicKey } = await newRsaKeyPair();
  signal?.throwIfAborted();
  const certPem = createCertificatePem({
    subject: [
      ['C', 'CN'],
      ['O', 'Tenpay.com'],
      ['OU', 'Tenpay.com CA Center'],
      ['L', 'ShenZhen'],
      ['CN', 'Tenpay.com sign'],
    ],
    issuer: [['CN', 'Tenpay.com Root CA']],
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 5 * YEAR_MS),
  });
  const serial = parseCertificate(certPem).serial;
  const p = paths(dir);
  await put(p.platformKey(serial), pem(privateKey));
  await put(p.platformCert(serial), certPem);
  return serial;
}

export async function ensureMerchant(
  dir: string,
  mchid: string,
  newRsaKeyPair: RsaKeyPairMaker,
  signal?: AbortSignal,
): Promise<string> {
  const p = paths(dir);
  if ((await exists(p.merchantKey)) && (await exists(p.merchantCert)))
    return parseCertificate(await readFile(p.merchantCert)).serial;
  const { privateKey, publicKey } = await newRsaKeyPair();
  signal?.throwIfAborted();
  const certPem = createCertificatePem({
    subject: [
      ['C', 'CN'],
      ['O', 'wxpay sandbox'],
      ['CN', mchid],
    ],
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 5 * YEAR_MS),
  });
  await put(p.merchantKey, pem(privateKey));
  await put(p.merchantCert, certPem);
  return parseCertificate(certPem).serial;
}
