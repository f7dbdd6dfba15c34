// docs/protocol.md §3: the /v3/certificates list. Each entry's certificate is AEAD_AES_256_GCM-encrypted with the
// APIv3 key; the response itself is verified with a known certificate or, when bootstrapping (the
// CertificateDownloader rule), with the certificates it just decrypted, which only the APIv3 key could open.
import type { KeyObject } from 'node:crypto';
import { aeadOpen, type AeadResource } from './aead.js';
import { WxpayError } from './errors.js';
import type { HeaderBag } from './headers.js';
import { createKeyStore, parseCertificate, type CertInfo, type KeyStore } from './keys.js';
import { verifySignature } from './verify.js';

export interface DecryptedCertificate extends CertInfo {
  pem: string;
  effectiveTime?: string;
  expireTime?: string;
}

interface ListEntry {
  serial_no?: string;
  effective_time?: string;
  expire_time?: string;
  encrypt_certificate?: AeadResource;
}

const badList = (why: string) =>
  new WxpayError('VERIFY_BAD_SIGNATURE', `The certificate list is malformed: ${why}`, {
    hint: 'Expect {"data":[{"serial_no","effective_time","expire_time","encrypt_certificate":{…}}]} from GET /v3/certificates.',
  });

export function decryptCertificateList(body: unknown, apiV3Key: KeyObject): DecryptedCertificate[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw badList('no "data" array');
  return (data as ListEntry[]).map((entry) => {
    if (!entry?.encrypt_certificate) throw badList('an entry has no encrypt_certificate');
    const pem = aeadOpen(apiV3Key, entry.encrypt_certificate).toString('utf8');
    const info = parseCertificate(pem, `platform certificate ${entry.serial_no ?? ''}`.trim());
    if (entry.serial_no && info.serial !== entry.serial_no.toUpperCase()) {
      throw new WxpayError(
        'VERIFY_BAD_SIGNATURE',
        `Certificate serial ${info.serial} does not match serial_no ${entry.serial_no}`,
        {
          hint: 'The list entry and its decrypted certificate disagree; do not trust this list.',
        },
      );
    }
    return {
      ...info,
      pem,
      ...(entry.effective_time ? { effectiveTime: entry.effective_time } : {}),
      ...(entry.expire_time ? { expireTime: entry.expire_time } : {}),
    };
  });
}

export interface CertificateListInput {
  headers: HeaderBag;
  rawBody: Buffer;
  apiV3Key: KeyObject;
  /** Verify with these keys only (a known certificate). Default: `also` plus the decrypted certificates. */
  trust?: KeyStore;
  also?: KeyStore;
  /** Unix seconds. */
  now: number;
}

export function verifyCertificateList(input: CertificateListInput): DecryptedCertificate[] {
  let body: unknown;
  try {
    body = JSON.parse(input.rawBody.toString('utf8'));
  } catch {
    throw badList('not JSON');
  }
  const certs = decryptCertificateList(body, input.apiV3Key);
  const keys =
    input.trust ??
    createKeyStore([...(input.also ?? new Map()).entries(), ...certs.map((c) => [c.serial, c.publicKey] as const)]);
  verifySignature({ headers: input.headers, body: input.rawBody, keys, now: input.now });
  return certs;
}
