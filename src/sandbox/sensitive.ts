// docs/protocol.md §7 on the server side: a request's sensitive fields are decrypted with the sandbox's private key for
// the serial in its Wechatpay-Serial header (a platform certificate's, or the WeChat Pay public key's). A field sent
// without that header, encrypted to another key, or padded with PKCS#1 v1.5 or OAEP-SHA256 instead of OAEP-SHA1 is
// refused with 400 PARAM_ERROR, as WeChat Pay answers such a request.
import { constants, privateDecrypt, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { paramError } from './api-error.js';
import { knownWechatpaySerials, type SandboxContext } from './context.js';

/** WeChat Pay's message when a field does not decrypt (seen in real answers, docs/protocol.md §7). */
export const NOT_CIPHERTEXT_MESSAGE = '请确认待处理的消息是否为加密后的密文';
/** The message when a sensitive field comes without Wechatpay-Serial (the sandbox's wording). */
export const SERIAL_MISSING_MESSAGE = '敏感信息加密字段须在HTTP头中上送Wechatpay-Serial';

type KeyContext = Pick<SandboxContext, 'keys' | 'mode'>;

/** The private key behind a serial the merchant may send in this mode; undefined for any other serial. */
export function decryptionKeyFor(ctx: KeyContext, serial: string): KeyObject | undefined {
  if (!knownWechatpaySerials(ctx).includes(serial)) return undefined;
  if (serial === ctx.keys.publicKeyId) return ctx.keys.publicKeyPrivate;
  return ctx.keys.platform.find((p) => p.serial === serial)?.privateKey;
}

function serialOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers['wechatpay-serial'];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** OAEP-SHA1 only: a v1.5 or OAEP-SHA256 ciphertext fails the OAEP padding check here and is refused. */
function oaepSha1Open(key: KeyObject, b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  try {
    const plain = privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(b64, 'base64'),
    );
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return undefined;
  }
}

/**
 * Decrypts the given fields (keyed by their JSON pointer, e.g. `/user_name`; undefined = absent) and returns their
 * plaintexts under the same keys. Throws the SandboxApiError WeChat Pay would answer.
 */
export function decryptSensitive(
  ctx: KeyContext,
  headers: IncomingHttpHeaders,
  fields: Record<string, unknown>,
): Record<string, string> {
  const present = Object.entries(fields).filter(([, v]) => v !== undefined);
  if (present.length === 0) return {};
  const serial = serialOf(headers);
  if (!serial) throw paramError(SERIAL_MISSING_MESSAGE, 'header');
  const key = decryptionKeyFor(ctx, serial);
  if (!key) {
    throw paramError('平台证书序列号Wechatpay-Serial错误', 'header', serial);
  }
  const out: Record<string, string> = {};
  for (const [pointer, value] of present) {
    const plain = typeof value === 'string' ? oaepSha1Open(key, value) : undefined;
    if (plain === undefined) {
      throw paramError(NOT_CIPHERTEXT_MESSAGE, 'body');
    }
    out[pointer] = plain;
  }
  return out;
}
