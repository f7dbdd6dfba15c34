// docs/protocol.md §2 on the server side: Wechatpay-* signature headers over `ts\nnonce\nbody\n` (raw bytes, the empty
// body of a 204 included), plus the injected faults a correct client must reject.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { AUTH_SCHEME, responseMessage } from '../protocol/canonical.js';
import { signMessage, unixSeconds } from '../protocol/sign.js';
import { PROBE_PREFIX } from '../protocol/verify.js';
import type { SandboxContext, SigningKey } from './context.js';
import type { Fault } from './faults.js';
import { isPublicKeyId, newPublicKeyId } from '../protocol/serials.js';
import { newNonce } from '../protocol/nonce.js';

const STALE_SECONDS = 600;

export async function signatureHeaders(
  ctx: SandboxContext,
  body: Buffer | string,
  signer: SigningKey,
  faults: Fault[],
): Promise<{ headers: Record<string, string>; body: Buffer | string }> {
  const timestamp = unixSeconds(ctx.now());
  const nonce = ctx.nonce();
  const message = responseMessage(timestamp, nonce, body);
  const headers: Record<string, string> = {
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature': ctx.signPool
      ? await ctx.signPool.sign(signer.privateKey, message)
      : signMessage(signer.privateKey, message),
    'Wechatpay-Signature-Type': AUTH_SCHEME,
    'Wechatpay-Timestamp': timestamp,
  };
  if (!faults.length) return { headers, body };
  return applySignatureFaults(ctx, headers, typeof body === 'string' ? Buffer.from(body) : body, signer, faults);
}

/** Rewrites correctly signed headers (and body) according to the late faults that fired. */
export function applySignatureFaults(
  ctx: SandboxContext,
  input: Record<string, string>,
  body: Buffer,
  signer: SigningKey,
  faults: Fault[],
): { headers: Record<string, string>; body: Buffer } {
  const headers = { ...input };
  const kinds = new Set(faults.map((f) => f.kind));
  if (kinds.size === 0) return { headers, body };
  // bad-signature: signed by a key that does not belong to the serial in the header.
  const key = kinds.has('bad-signature') ? wrongKey(ctx, signer) : signer.privateKey;
  if (kinds.has('stale-timestamp'))
    headers['Wechatpay-Timestamp'] = String(Number(headers['Wechatpay-Timestamp']) - STALE_SECONDS);
  if (kinds.has('bad-signature') || kinds.has('stale-timestamp')) {
    headers['Wechatpay-Signature'] = signMessage(
      key,
      responseMessage(headers['Wechatpay-Timestamp']!, headers['Wechatpay-Nonce']!, body),
    );
  }
  if (kinds.has('unknown-serial')) {
    headers['Wechatpay-Serial'] = isPublicKeyId(signer.serial)
      ? newPublicKeyId()
      : randomBytes(20).toString('hex').toUpperCase().replace(/^./, '7');
  }
  if (kinds.has('probe')) headers['Wechatpay-Signature'] = `${PROBE_PREFIX}${randomBytes(256).toString('base64')}`;
  let out = body;
  if (kinds.has('tamper')) {
    if (body.length === 0) headers['Wechatpay-Nonce'] = newNonce();
    else out = tamper(body);
  }
  return { headers, body: out };
}

/** Per key set, the stranger key made for it (a keygen blocks the event loop for ~0.2 s: once, not per fault). */
const strangers = new WeakMap<SandboxContext['keys'], KeyObject>();

/** The other kind of WeChat Pay key than the signer's. A pubkey key set made without a platform certificate
 *  (`wxpay demo`'s throwaway folder) has none: then a fresh pair, made when a fault first asks for it and kept. */
function wrongKey(ctx: SandboxContext, signer: SigningKey): KeyObject {
  if (!isPublicKeyId(signer.serial)) return ctx.keys.publicKeyPrivate;
  const platform = ctx.keys.platform.at(-1)?.privateKey;
  if (platform) return platform;
  let stranger = strangers.get(ctx.keys);
  if (!stranger) strangers.set(ctx.keys, (stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey));
  return stranger;
}

/** Changes one digit (an amount, an id) or, failing that, one letter: the JSON stays valid. */
function tamper(body: Buffer): Buffer {
  const text = body.toString('utf8');
  const i = text.search(/\d/);
  if (i >= 0) return Buffer.from(text.slice(0, i) + String((Number(text[i]) + 1) % 10) + text.slice(i + 1));
  const j = text.search(/[a-z]/);
  return j >= 0
    ? Buffer.from(text.slice(0, j) + text[j]!.toUpperCase() + text.slice(j + 1))
    : Buffer.concat([body, Buffer.from(' ')]);
}
