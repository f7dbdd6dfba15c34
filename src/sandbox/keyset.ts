// `wxpay sandbox init`: a throwaway key set for the local simulator (merchant key + certificate, platform
// certificates, a WeChat Pay public key, an APIv3 key) and the `.wxpayrc.json` profile that points at it.
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { apiV3KeyFrom } from '../protocol/aead.js';
import { WxpayError } from '../protocol/errors.js';
import { loadPrivateKey, loadPublicKey, parseCertificate } from '../protocol/keys.js';
import { readSandboxFile, writeSandboxFile, exists, paths, type SandboxFile } from './keyset-files.js';
import { newPublicKeyId } from '../protocol/serials.js';
import { writeProfile } from './keyset-profile.js';
import {
  createPlatformCert,
  ensureMerchant,
  newApiV3Key,
  pem,
  put,
  rsa2048,
  startKeygens,
  type RsaKeyPairMaker,
} from './key-makers.js';

export type SandboxMode = 'cert' | 'pubkey' | 'mixed';
export const SANDBOX_MODES: readonly SandboxMode[] = ['cert', 'pubkey', 'mixed'];
export const DEFAULT_SANDBOX_PORT = 8931;
export const DEFAULT_SANDBOX_DIR = '.wxpay-sandbox';
const DEFAULT_MCHID = '1900000001';
const DEFAULT_APPID = 'wx8888888888888888';

export interface SandboxInitResult {
  dir: string;
  rcPath: string;
  profile: 'sandbox';
  mchid: string;
  appid: string;
  serialNo: string;
  privateKeyPath: string;
  merchantCertPath: string;
  apiV3KeyPath: string;
  platformSerial: string;
  platformCertPath: string;
  platformKeyPath: string;
  publicKeyId: string;
  publicKeyPath: string;
  baseUrl: string;
  mode: SandboxMode;
}

export interface SandboxKeys {
  dir: string;
  mchid: string;
  appid: string;
  mode: SandboxMode;
  apiV3Key: KeyObject;
  merchantSerial: string;
  merchantPublicKey: KeyObject;
  /** Every platform certificate the sandbox holds, newest last. */
  platform: Array<{ serial: string; privateKey: KeyObject; certPem: string }>;
  publicKeyId: string;
  publicKey: KeyObject;
  publicKeyPrivate: KeyObject;
}

export interface SandboxInitOptions {
  dir: string;
  mode?: SandboxMode;
  mchid?: string;
  appid?: string;
  port?: number;
  signal?: AbortSignal;
  /** Tests inject pre-made key pairs here, since keygen dominates their set-up; users always get fresh keys. */
  newRsaKeyPair?: RsaKeyPairMaker;
  /** false: a pubkey key set gets no platform certificate (`wxpay demo`'s throwaway folder: one keygen less). Then
   *  the result's platform fields are '' and the sandbox has no platform key to rotate from, sign with or offer.
   *  Ignored in cert and mixed modes, which sign with it. */
  platformCert?: boolean;
}

/** `signal`: a key generated after an abort is never written (the demo removes its folder on Ctrl-C, and a key
 *  generation still running then must not recreate it). */
export async function initSandbox(opts: SandboxInitOptions): Promise<SandboxInitResult> {
  const dir = path.resolve(opts.dir);
  const p = paths(dir);
  const prev = await readSandboxFile(dir);
  if (prev && opts.mchid && opts.mchid !== prev.mchid) {
    throw new WxpayError('USAGE', `${dir} already holds a sandbox for mchid ${prev.mchid}`, {
      hint: 'Keys are never overwritten: drop --mchid, or use another --dir.',
    });
  }
  const mchid = prev?.mchid ?? opts.mchid ?? DEFAULT_MCHID;
  const appid = opts.appid ?? prev?.appid ?? DEFAULT_APPID;
  const mode = opts.mode ?? prev?.mode ?? 'cert';
  const port = opts.port ?? prev?.port ?? DEFAULT_SANDBOX_PORT;
  opts.signal?.throwIfAborted();
  await mkdir(p.certsDir, { recursive: true });
  const earlier = prev?.platformSerials;
  const noPlatform = opts.platformCert === false && mode === 'pubkey';
  const keys = startKeygens(opts.newRsaKeyPair ?? rsa2048, {
    merchant: !((await exists(p.merchantKey)) && (await exists(p.merchantCert))),
    platform: !earlier?.length && !noPlatform,
    publicKey: !(await exists(p.publicKeyPrivate)),
  });
  const serialNo = await ensureMerchant(dir, mchid, keys.merchant, opts.signal);
  if (!(await exists(p.apiV3Key))) await put(p.apiV3Key, `${newApiV3Key()}\n`);
  const platformSerials = await ensurePlatform(dir, earlier?.length || noPlatform ? (earlier ?? []) : undefined, {
    signal: opts.signal,
    maker: keys.platform,
  });
  const first = platformSerials[0] ?? '';
  const certsCopy = first && certsCopyOf(dir, first);
  const publicKeyId = prev?.publicKeyId ?? newPublicKeyId();
  if (!(await exists(p.publicKeyPrivate))) {
    const { privateKey, publicKey } = await keys.publicKey();
    opts.signal?.throwIfAborted();
    await put(p.publicKeyPrivate, pem(privateKey));
    await put(p.publicKey, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  }
  const file: SandboxFile = { mchid, appid, mode, port, publicKeyId, platformSerials };
  if (prev?.merchants) file.merchants = prev.merchants; // kept by a re-run (sandbox init --merchants wrote it)
  await writeSandboxFile(dir, file);
  const baseUrl = await writeProfile(p.rc, { mchid, appid, serialNo, port, mode, publicKeyId });
  return {
    dir,
    rcPath: p.rc,
    profile: 'sandbox',
    mchid,
    appid,
    serialNo,
    privateKeyPath: p.merchantKey,
    merchantCertPath: p.merchantCert,
    apiV3KeyPath: p.apiV3Key,
    platformSerial: first,
    platformCertPath: certsCopy,
    platformKeyPath: first && p.platformKey(first),
    publicKeyId,
    publicKeyPath: p.publicKey,
    baseUrl,
    mode,
  };
}

const certsCopyOf = (dir: string, serial: string) => path.join(paths(dir).certsDir, `wechatpay_${serial}.pem`);

/** The platform serials: `known`, else a first certificate made now (a sandbox.json written before platform rotation
 *  has no list either). The merchant's certs/ folder gets a copy of the first, as a certs download would. */
async function ensurePlatform(
  dir: string,
  known: string[] | undefined,
  make: { signal?: AbortSignal | undefined; maker: RsaKeyPairMaker },
): Promise<string[]> {
  const serials = known ?? [await createPlatformCert(dir, Date.now(), make.signal, make.maker)];
  const first = serials[0];
  if (first && !(await exists(certsCopyOf(dir, first))))
    await put(certsCopyOf(dir, first), await readFile(paths(dir).platformCert(first)));
  return serials;
}

export async function loadSandboxKeys(dir: string): Promise<SandboxKeys> {
  const abs = path.resolve(dir);
  const p = paths(abs);
  const file = await readSandboxFile(abs);
  if (!file) {
    throw new WxpayError('CONFIG_NOT_FOUND', `No sandbox key set in ${abs}`, {
      hint: `Run: wxpay sandbox init --dir ${dir}`,
    });
  }
  const platform = await Promise.all(
    file.platformSerials.map(async (serial) => ({
      serial,
      privateKey: loadPrivateKey(await readFile(p.platformKey(serial)), 'sandbox platform key'),
      certPem: (await readFile(p.platformCert(serial))).toString(),
    })),
  );
  return {
    dir: abs,
    mchid: file.mchid,
    appid: file.appid,
    mode: file.mode,
    apiV3Key: apiV3KeyFrom((await readFile(p.apiV3Key, 'utf8')).replace(/\r?\n$/, '')),
    merchantSerial: parseCertificate(await readFile(p.merchantCert)).serial,
    merchantPublicKey: parseCertificate(await readFile(p.merchantCert)).publicKey,
    platform,
    publicKeyId: file.publicKeyId,
    publicKey: loadPublicKey(await readFile(p.publicKey)),
    publicKeyPrivate: loadPrivateKey(await readFile(p.publicKeyPrivate), 'sandbox public-key pair'),
  };
}

/** Rotation: a new platform certificate becomes the newest; the merchant's certs/ folder is left alone. */
export async function rotatePlatformCert(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  const file = await readSandboxFile(abs);
  if (!file)
    throw new WxpayError('CONFIG_NOT_FOUND', `No sandbox key set in ${abs}`, { hint: 'Run wxpay sandbox init first.' });
  const serial = await createPlatformCert(abs);
  await writeSandboxFile(abs, { ...file, platformSerials: [...file.platformSerials, serial] });
  return serial;
}
