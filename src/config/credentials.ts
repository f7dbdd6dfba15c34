// Turns a resolved profile into key objects: the merchant signer, the APIv3 key and the verification key
// store (public-key mode, platform-certificate mode, or both during a migration). Keys are read once into
// KeyObjects; no key is kept as a string.
import { readFile, readdir } from '../files/fs-callbacks.js';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { WxpayError } from '../protocol/errors.js';
import { apiV3KeyFrom } from '../protocol/aead.js';
import {
  createKeyStore,
  loadPrivateKey,
  loadPublicKey,
  parseCertificate,
  type CertInfo,
  type KeyStore,
} from '../protocol/keys.js';
import type { ResolvedProfile } from './config.js';
import type { Merchant } from '../protocol/sign.js';

/** The hint when no rc file exists at all: a newcomer's first command, so name the one that writes the file. */
export function noRcFileHint(envName?: string): string {
  return `No rc file was found: write one with \`wxpay config init\`${envName ? ` (or set ${envName})` : ''}; to try wxpay without a merchant account, run \`wxpay demo\` or \`wxpay sandbox init\`.`;
}

export function requireField<K extends keyof ResolvedProfile>(
  profile: ResolvedProfile,
  field: K,
  envName: string,
): NonNullable<ResolvedProfile[K]> {
  const v = profile[field];
  if (v === undefined || v === '') {
    throw new WxpayError('CONFIG_INVALID', `"${field}" is not set in profile "${profile.name}"`, {
      hint:
        profile.configPath === undefined
          ? noRcFileHint(envName)
          : `Set it in ${profile.configPath} or with ${envName}. Run \`wxpay config show\` to see what was resolved.`,
    });
  }
  return v;
}

export async function readKeyFile(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new WxpayError('KEY_LOAD_FAILED', `Cannot read the ${what} at ${file}`, {
      cause,
      hint: "Check the path in the profile (relative paths resolve against the rc file's folder) and the file permissions.",
    });
  }
}

/** The serial: configured, or derived from the merchant certificate. */
export async function merchantSerial(profile: ResolvedProfile): Promise<string> {
  if (profile.serialNo) return profile.serialNo.toUpperCase();
  if (profile.merchantCertPath)
    return parseCertificate(await readKeyFile(profile.merchantCertPath, 'merchant certificate'), 'merchant certificate')
      .serial;
  throw new WxpayError(
    'CONFIG_INVALID',
    `Neither "serialNo" nor "merchantCertPath" is set in profile "${profile.name}"`,
    {
      hint: 'Set merchantCertPath to apiclient_cert.pem (the serial is read from it), or serialNo to the output of `openssl x509 -in apiclient_cert.pem -noout -serial`.',
    },
  );
}

export async function loadMerchant(profile: ResolvedProfile): Promise<Merchant> {
  const mchid = requireField(profile, 'mchid', 'WXPAY_MCHID');
  const keyPath = requireField(profile, 'privateKeyPath', 'WXPAY_PRIVATE_KEY_PATH');
  const privateKey = loadPrivateKey(await readKeyFile(keyPath, 'merchant private key'));
  return { mchid, serialNo: await merchantSerial(profile), privateKey };
}

export async function loadApiV3Key(
  profile: ResolvedProfile,
  env: Readonly<Record<string, string | undefined>>,
): Promise<KeyObject> {
  const ref = profile.apiV3Key;
  if (!ref) {
    throw new WxpayError('CONFIG_INVALID', `"apiV3Key" is not set in profile "${profile.name}"`, {
      hint: 'Set "apiV3Key": "file:./apiv3.key" or "env:NAME" in the rc file, or export WXPAY_APIV3_KEY.',
    });
  }
  if (ref.kind === 'file') {
    const raw = await readKeyFile(ref.path, 'APIv3 key file');
    // A trailing newline from `echo` is the usual accident; strip line ends only, never other bytes.
    return keyFrom(Buffer.from(raw.toString('utf8').replace(/\r?\n$/, ''), 'utf8'), `the file ${ref.path}`, 'the file');
  }
  const name = ref.kind === 'env' ? ref.name : 'WXPAY_APIV3_KEY';
  const value = env[name];
  if (value === undefined) {
    throw new WxpayError('CONFIG_INVALID', `The APIv3 key variable ${name} is not set`, {
      hint: `Export ${name} before running wxpay.`,
    });
  }
  return keyFrom(
    value,
    `the variable ${name}`,
    `the variable (e.g. \`export ${name}="$(cat apiv3.key)"\` keeps no line end)`,
  );
}

/** apiV3KeyFrom, with a message that names where the key came from: a file and a variable fail differently. */
function keyFrom(raw: string | Buffer, where: string, whereShort: string): KeyObject {
  try {
    return apiV3KeyFrom(raw);
  } catch (e) {
    if (!(e instanceof WxpayError) || e.code !== 'APIV3_KEY_INVALID') throw e;
    throw new WxpayError(
      'APIV3_KEY_INVALID',
      `The APIv3 key in ${where} is ${Buffer.byteLength(raw)} bytes; it must be exactly 32`,
      {
        hint: `Use the 32-character APIv3 key set in 商户平台 → 账户中心 → API安全 (not the APIv2 key). Check for spaces or a line end in ${whereShort}.`,
        details: { length: Buffer.byteLength(raw) },
      },
    );
  }
}

export interface PlatformCert extends CertInfo {
  file: string;
}

/** Every wechatpay_<SERIAL>.pem (any *.pem holding a certificate) in the folder, keyed by its real serial. */
export async function loadPlatformCerts(dir: string): Promise<PlatformCert[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new WxpayError('KEY_LOAD_FAILED', `Cannot list platform certificates in ${dir}`, {
      cause,
      hint: 'Check platformCertDir.',
    });
  }
  const certs: PlatformCert[] = [];
  for (const name of names.filter((n) => n.endsWith('.pem')).sort()) {
    const file = path.join(dir, name);
    const pem = await readKeyFile(file, 'platform certificate');
    if (!pem.includes('BEGIN CERTIFICATE')) continue;
    certs.push({ ...parseCertificate(pem, `platform certificate ${name}`), file });
  }
  return certs;
}

export async function loadVerifierKeys(profile: ResolvedProfile): Promise<KeyStore> {
  const entries: Array<[string, KeyObject]> = [];
  if (profile.publicKeyId || profile.publicKeyPath) {
    const id = requireField(profile, 'publicKeyId', 'WXPAY_PUBLIC_KEY_ID');
    const file = requireField(profile, 'publicKeyPath', 'WXPAY_PUBLIC_KEY_PATH');
    entries.push([id, loadPublicKey(await readKeyFile(file, 'WeChat Pay public key'))]);
  }
  if (profile.platformCertDir) {
    for (const cert of await loadPlatformCerts(profile.platformCertDir)) entries.push([cert.serial, cert.publicKey]);
  }
  return createKeyStore(entries);
}
