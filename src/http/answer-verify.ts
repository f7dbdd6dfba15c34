// docs/protocol.md §2 and §3 for the client: verifying every 2xx answer from its raw bytes with the key chosen by
// Wechatpay-Serial. An unknown hex serial (platform-certificate mode) triggers exactly one refresh through
// /v3/certificates per serial; the key store is replaced, never mutated, and belongs to one client only.
import type { KeyObject } from 'node:crypto';
import { WxpayError } from '../protocol/errors.js';
import { extendKeyStore, type KeyStore } from '../protocol/keys.js';
import { verifyCertificateList, type DecryptedCertificate } from '../protocol/platform-certs.js';
import { verifySignature } from '../protocol/verify.js';
import { isPublicKeyId } from '../protocol/serials.js';

// none-media-download: a complaint image is binary and WeChat Pay does not sign it (docs/protocol.md §14).
export type VerifyMode = 'signature' | 'none-bill-download' | 'none-media-download' | 'certificate-list';

export interface RawAnswer {
  headers: Record<string, string>;
  raw: Buffer;
}

export interface ResponseVerifier {
  keys(): KeyStore;
  verify(
    mode: VerifyMode | undefined,
    answer: RawAnswer,
    trust?: KeyStore,
  ): Promise<DecryptedCertificate[] | undefined>;
}

export interface ResponseVerifierOptions {
  keys: KeyStore;
  apiV3Key?: KeyObject;
  /** Milliseconds since the epoch. */
  now: () => number;
  log?: (line: string) => void;
  /** Fetches /v3/certificates in 'certificate-list' mode (through the client, so it is signed and logged). */
  fetchCertificates: () => Promise<DecryptedCertificate[]>;
}

/** 'certificate-list' mode: the answer is /v3/certificates, verified by the certificates it carries (docs/protocol.md §3). */
function verifyCertificateAnswer(
  o: ResponseVerifierOptions,
  r: RawAnswer,
  keys: KeyStore,
  trust: KeyStore | undefined,
): DecryptedCertificate[] {
  if (!o.apiV3Key) {
    throw new WxpayError('CONFIG_INVALID', 'The APIv3 key is needed to decrypt /v3/certificates', {
      hint: 'Set apiV3Key in the profile ("file:./apiv3.key" or "env:NAME").',
    });
  }
  return verifyCertificateList({
    headers: r.headers,
    rawBody: r.raw,
    apiV3Key: o.apiV3Key,
    now: o.now() / 1000,
    also: keys,
    ...(trust ? { trust } : {}),
  });
}

/** Only an unknown hex serial can be fetched: a public key ID (PUB_KEY_ID_…) is never in /v3/certificates, and
 *  without the APIv3 key the certificates could not be decrypted. */
function isRefreshable(e: unknown, serial: string, o: ResponseVerifierOptions): e is WxpayError {
  return (
    e instanceof WxpayError && e.code === 'VERIFY_UNKNOWN_SERIAL' && !isPublicKeyId(serial) && o.apiV3Key !== undefined
  );
}

export function createResponseVerifier(o: ResponseVerifierOptions): ResponseVerifier {
  let keys = o.keys;
  const refreshed = new Map<string, Promise<void>>();

  // Concurrent requests (a batch) that meet the same new serial share one refresh.
  function refresh(serial: string): Promise<void> {
    let p = refreshed.get(serial);
    if (!p) {
      o.log?.(`unknown Wechatpay-Serial ${serial}: refreshing platform certificates once via /v3/certificates`);
      p = o.fetchCertificates().then((certs) => {
        keys = extendKeyStore(
          keys,
          certs.map((c) => [c.serial, c.publicKey] as const),
        );
      });
      refreshed.set(serial, p);
    }
    return p;
  }

  return {
    keys: () => keys,
    async verify(mode = 'signature', r, trust) {
      if (mode === 'none-bill-download' || mode === 'none-media-download') return undefined;
      if (mode === 'certificate-list') return verifyCertificateAnswer(o, r, keys, trust);
      try {
        verifySignature({ headers: r.headers, body: r.raw, keys, now: o.now() / 1000 });
      } catch (e) {
        const serial = r.headers['wechatpay-serial'] ?? '';
        if (!isRefreshable(e, serial, o) || refreshed.has(serial)) throw e;
        try {
          await refresh(serial);
        } catch (cause) {
          throw new WxpayError(
            'VERIFY_UNKNOWN_SERIAL',
            `${e.message}; refreshing the platform certificates failed: ${(cause as Error).message}`,
            { hint: e.hint, cause },
          );
        }
        verifySignature({ headers: r.headers, body: r.raw, keys, now: o.now() / 1000 });
      }
      return undefined;
    },
  };
}
