// `notify verify --explain` and the decrypt diagnosis (issue 5): every step of docs/protocol.md §2 verification with pass
// or fail and the facts behind it, plus warnings for the usual causes (a re-serialised body, BOM, CRLF, the wrong
// key during a certificate -> public-key migration, clock skew, a probe). Pure: keys, body and `now` are inputs.
import { createHash } from 'node:crypto';
import { WxpayError } from '../protocol/errors.js';
import { getHeader, type HeaderBag } from '../protocol/headers.js';
import { lookupKey, type KeyStore } from '../protocol/keys.js';
import { DEFAULT_WINDOW_SECONDS, isProbeSignature, verifySignature } from '../protocol/verify.js';
import { serialKind } from '../protocol/serials.js';

export interface ExplainStep {
  step: 'headers' | 'timestamp' | 'serial' | 'key' | 'body' | 'signature';
  ok: boolean;
  detail: string;
  warnings?: string[];
}

/** Hints that a body is not the bytes WeChat Pay sent. WeChat sends compact JSON without a BOM or CR. */
export function bodyWarnings(body: Buffer): string[] {
  const w: string[] = [];
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf)
    w.push('starts with a UTF-8 BOM (an editor or a logger added it)');
  if (body.includes('\r\n'))
    w.push('contains CRLF line ends (WeChat Pay sends none; a copy through Windows tools adds them)');
  const text = body.toString('utf8');
  if (/^\s*[{[]\s*\n\s+"/.test(text) || /":\s{2,}|\n\s{2,}"/.test(text))
    w.push('looks pretty-printed: the JSON was re-serialised, so the signature cannot match');
  else if (/":\s"/.test(text) || /,\s"/.test(text))
    w.push('has spaces after ":" or ",": it was probably re-serialised (WeChat Pay sends compact JSON)');
  if (/\\u[0-9a-f]{4}/i.test(text) && !/[^\p{ASCII}]/u.test(text))
    w.push('has \\uXXXX escapes and no raw UTF-8: a serialiser escaped the Chinese text');
  if (text !== text.trim()) w.push('has leading or trailing whitespace (a log copy added a newline?)');
  return w;
}

export interface ExplainInput {
  headers: HeaderBag;
  body: string | Buffer;
  keys: KeyStore;
  now: number;
  windowSeconds?: number;
}

export interface Explanation {
  ok: boolean;
  steps: ExplainStep[];
  /** The verification error, when it failed. */
  error?: WxpayError;
}

const SIGNED_HEADERS = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'];

function headersStep(headers: HeaderBag): ExplainStep {
  const missing = SIGNED_HEADERS.filter((n) => !getHeader(headers, n));
  return {
    step: 'headers',
    ok: !missing.length,
    detail: missing.length ? `missing ${missing.join(', ')}` : 'all four Wechatpay-* headers present',
  };
}

function timestampStep(ts: string, now: number, window: number): ExplainStep {
  const valid = /^\d{1,12}$/.test(ts);
  const skew = Math.floor(now) - Number(ts);
  return {
    step: 'timestamp',
    ok: valid && Math.abs(skew) < window,
    detail: valid
      ? `skew ${skew} s (now − Wechatpay-Timestamp), window ±${window} s`
      : `"${ts.slice(0, 20)}" is not Unix seconds`,
    ...(valid && ts.length === 13 ? { warnings: ['13 digits: milliseconds, not seconds'] } : {}),
  };
}

/** A serial of one kind while only keys of the other kind are configured: a certificate -> public-key migration. */
function migrationWarnings(serial: string, keys: KeyStore): string[] | undefined {
  const modes = new Set([...keys.keys()].map(serialKind));
  if (serialKind(serial) === 'public-key' && !modes.has('public-key'))
    return [
      'a public-key serial but only platform certificates are configured: a certificate -> public-key migration started; add publicKeyId and publicKeyPath',
    ];
  if (serialKind(serial) === 'platform-certificate' && !modes.has('platform-certificate'))
    return ['a certificate serial but only the public key is configured: during a migration keep platformCertDir too'];
  return undefined;
}

/** The serial step (is it a probe?) and the key step (is a key configured for it?). */
function serialSteps(serial: string, sig: string, keys: KeyStore): ExplainStep[] {
  const probe = isProbeSignature(sig);
  const found = lookupKey(keys, serial) !== undefined;
  const warnings = found ? undefined : migrationWarnings(serial, keys);
  const known = [...keys.keys()];
  return [
    {
      step: 'serial',
      ok: !probe,
      detail: probe ? `${serial}: the signature is a WECHATPAY/SIGNTEST/ probe` : `${serial} (${serialKind(serial)})`,
    },
    {
      step: 'key',
      ok: found,
      detail: `${found ? 'found' : 'no key'} for ${serial}; known: ${known.join(', ') || 'none'}`,
      ...(warnings ? { warnings } : {}),
    },
  ];
}

function bodyStep(body: Buffer): ExplainStep {
  const w = bodyWarnings(body);
  return {
    step: 'body',
    ok: true,
    detail: `${body.length} bytes, sha256 ${createHash('sha256').update(body).digest('hex')}`,
    ...(w.length ? { warnings: w } : {}),
  };
}

/** Why the signature step failed, in words; for a stale timestamp, also whether the bytes themselves verify. */
function signatureFailure(err: WxpayError, input: ExplainInput, body: Buffer, ts: string): string {
  if (err.code === 'VERIFY_BAD_SIGNATURE') return 'SHA256withRSA does not verify';
  let rsa = `not checked (${err.code})`;
  if (err.code === 'VERIFY_TIMESTAMP' && /^\d{1,12}$/.test(ts)) {
    // Say whether the bytes are intact, so a stale replay is not mistaken for a tampered body.
    try {
      verifySignature({ headers: input.headers, body, keys: input.keys, now: Number(ts) });
      rsa = 'SHA256withRSA verifies, but the timestamp is outside the window';
    } catch (e) {
      if (e instanceof WxpayError && e.code === 'VERIFY_BAD_SIGNATURE') rsa = 'SHA256withRSA does not verify either';
    }
  }
  return rsa;
}

export function explainVerification(input: ExplainInput): Explanation {
  const window = input.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const body = Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body, 'utf8');
  const steps: ExplainStep[] = [headersStep(input.headers)];
  const ts = getHeader(input.headers, 'Wechatpay-Timestamp') ?? '';
  if (ts) steps.push(timestampStep(ts, input.now, window));
  const serial = getHeader(input.headers, 'Wechatpay-Serial') ?? '';
  const sig = getHeader(input.headers, 'Wechatpay-Signature') ?? '';
  if (serial) steps.push(...serialSteps(serial, sig, input.keys));
  steps.push(bodyStep(body));
  try {
    verifySignature({ headers: input.headers, body, keys: input.keys, now: input.now, windowSeconds: window });
    steps.push({ step: 'signature', ok: true, detail: 'SHA256withRSA verifies over the raw body' });
    return { ok: true, steps };
  } catch (err) {
    if (!(err instanceof WxpayError)) throw err;
    steps.push({ step: 'signature', ok: false, detail: signatureFailure(err, input, body, ts) });
    return { ok: false, steps, error: err };
  }
}

/** Names the likely cause of a GCM tag failure from what can be seen without the key. */
export function diagnoseDecrypt(resource: {
  nonce?: unknown;
  associated_data?: unknown;
  original_type?: unknown;
  ciphertext?: unknown;
}): string[] {
  const causes: string[] = [];
  const nonce = typeof resource.nonce === 'string' ? resource.nonce : '';
  if (Buffer.byteLength(nonce) !== 12)
    causes.push(`the nonce is ${Buffer.byteLength(nonce)} bytes; WeChat Pay sends 12, so it was probably changed`);
  const aad = resource.associated_data;
  const ot = resource.original_type;
  if (typeof aad === 'string' && typeof ot === 'string' && aad !== '' && aad !== ot)
    causes.push(`associated_data "${aad}" does not match original_type "${ot}": the AAD was probably changed`);
  const ct = typeof resource.ciphertext === 'string' ? resource.ciphertext : '';
  if (ct.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(ct))
    causes.push('the ciphertext is not whole base64: it was truncated or altered in a copy');
  if (!causes.length)
    causes.push(
      "most likely a wrong APIv3 key (nonce, AAD and ciphertext look intact); check the profile's apiV3Key against 商户平台 → API安全",
    );
  return causes;
}
