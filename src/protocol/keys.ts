// Key material (docs/protocol.md §9): merchant private key (PKCS#8 or PKCS#1), merchant and platform certificates,
// the WeChat Pay public key, certificate serials as whole-byte upper-case hex, and key stores keyed by serial.
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { WxpayError } from './errors.js';
import { isPublicKeyId, normalizeSerial } from './serials.js';

export interface CertInfo {
  serial: string;
  subjectCN: string | undefined;
  issuerCN: string | undefined;
  validFrom: Date;
  validTo: Date;
  publicKey: KeyObject;
}

function cnOf(dn: string): string | undefined {
  const match = /(?:^|\n|,\s*)CN=([^\n,]*)/.exec(dn);
  return match?.[1];
}

export function parseCertificate(pem: string | Buffer, label = 'certificate'): CertInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (cause) {
    throw new WxpayError('KEY_LOAD_FAILED', `Cannot parse the ${label} as an X.509 certificate`, {
      cause,
      hint: 'Expect a PEM file that starts with -----BEGIN CERTIFICATE----- (apiclient_cert.pem or wechatpay_<SERIAL>.pem).',
    });
  }
  return {
    serial: normalizeSerial(cert.serialNumber),
    subjectCN: cnOf(cert.subject),
    issuerCN: cnOf(cert.issuer),
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    publicKey: cert.publicKey,
  };
}

export function loadPrivateKey(pem: string | Buffer, label = 'merchant private key'): KeyObject {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`key type ${key.asymmetricKeyType}`);
    return key;
  } catch (cause) {
    throw new WxpayError('KEY_LOAD_FAILED', `Cannot load the ${label}`, {
      cause,
      hint: 'Expect the RSA PEM apiclient_key.pem (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----), not the certificate or the .p12 file.',
    });
  }
}

/** Accepts an SPKI public key (pub_key.pem) or a certificate, and returns its public key. */
export function loadPublicKey(pem: string | Buffer, label = 'WeChat Pay public key'): KeyObject {
  const text = pem.toString();
  if (text.includes('BEGIN CERTIFICATE')) return parseCertificate(text, label).publicKey;
  try {
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`key type ${key.asymmetricKeyType}`);
    return key;
  } catch (cause) {
    throw new WxpayError('KEY_LOAD_FAILED', `Cannot load the ${label}`, {
      cause,
      hint: 'Expect pub_key.pem from 商户平台 → 账户中心 → API安全 (-----BEGIN PUBLIC KEY-----).',
    });
  }
}

/** True when the certificate's public key is the public half of the private key. */
export function keyMatchesCertificate(privateKey: KeyObject, certPem: string | Buffer): boolean {
  return new X509Certificate(certPem).checkPrivateKey(privateKey);
}

/** Verification keys by `Wechatpay-Serial` (platform-cert hex serial or PUB_KEY_ID_…). Immutable. */
export type KeyStore = ReadonlyMap<string, KeyObject>;

export function createKeyStore(entries: Iterable<readonly [string, KeyObject]>): KeyStore {
  const map = new Map<string, KeyObject>();
  for (const [serial, key] of entries) {
    map.set(isPublicKeyId(serial) ? serial : normalizeSerial(serial), key);
  }
  return map;
}

/** Returns a new store with the extra entries; never mutates the one given. */
export function extendKeyStore(store: KeyStore, entries: Iterable<readonly [string, KeyObject]>): KeyStore {
  return createKeyStore([...store.entries(), ...entries]);
}

export function lookupKey(store: KeyStore, serial: string): KeyObject | undefined {
  return store.get(serial) ?? (isPublicKeyId(serial) ? undefined : store.get(normalizeSerial(serial)));
}
