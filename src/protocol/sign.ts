// docs/protocol.md §1 and §6: SHA256withRSA (PKCS#1 v1.5) signatures with the merchant key, the Authorization
// header, and the JSAPI/APP client pay parameters. Clock and nonce are inputs, so results are reproducible.
import { sign as rsaSign, type KeyObject } from 'node:crypto';
import { appPayMessage, buildAuthorization, canonicalUrl, jsapiPayMessage, requestMessage } from './canonical.js';

/** Standard base64 with padding: 344 characters for RSA-2048. */
export function signMessage(privateKey: KeyObject, message: string | Buffer): string {
  return rsaSign('sha256', Buffer.from(message), privateKey).toString('base64');
}

/** signMessage with the RSA work on libuv's thread pool (node:crypto's callback form): the same signature, while the
 *  event loop goes on sending and reading. A batch at concurrency 16 signs every row; on one thread that capped it
 *  at one core (issue 19). */
export function signMessageAsync(privateKey: KeyObject, message: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    signMessageLater(privateKey, message, (err, sig) => (err ? reject(err) : resolve(sig!)));
  });
}

/** signMessageAsync's callback form, for a caller that queues its own signs (the sandbox's pool): no promise per sign.
 *  A key node:crypto refuses at once (wrong type) throws here, before anything is queued. */
export function signMessageLater(
  privateKey: KeyObject,
  message: Buffer,
  done: (err: Error | null, signature?: string) => void,
): void {
  rsaSign('sha256', message, privateKey, (err, sig) => (err ? done(err) : done(null, sig.toString('base64'))));
}

export const unixSeconds = (ms: number): string => String(Math.floor(ms / 1000));

export interface Merchant {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
}

export interface SignRequestInput {
  method: string;
  /** Path plus query, or an absolute URL (scheme and host are dropped). Signed verbatim. */
  url: string;
  body?: string;
  timestamp: string;
  nonce: string;
}

export interface SignedRequest {
  method: string;
  url: string;
  timestamp: string;
  nonce: string;
  message: string;
  signature: string;
  authorization: string;
}

/**
 * Stands in for the signature in --dry-run output. A dry run is what people paste into tickets, and a real signature
 * there could be replayed for 5 minutes (a refund was); this shows where the signature goes and never verifies.
 */
export const DRY_RUN_SIGNATURE = '<not signed: --dry-run>';

export function signRequest(merchant: Merchant, input: SignRequestInput): SignedRequest {
  const parts = requestParts(input);
  return assemble(merchant, input, parts, signMessage(merchant.privateKey, parts.message));
}

/** signRequest with the sign off the event loop (signMessageAsync): byte for byte the same SignedRequest. */
export async function signRequestAsync(merchant: Merchant, input: SignRequestInput): Promise<SignedRequest> {
  const parts = requestParts(input);
  return assemble(merchant, input, parts, await signMessageAsync(merchant.privateKey, parts.message));
}

/** signRequest's message and Authorization header with DRY_RUN_SIGNATURE in place of a signature: the key is not used. */
export function unsignedRequest(
  merchant: Pick<Merchant, 'mchid' | 'serialNo'>,
  input: SignRequestInput,
): SignedRequest {
  return assemble(merchant, input, requestParts(input), DRY_RUN_SIGNATURE);
}

/** The method, request-target and message of a request to sign. */
function requestParts(input: SignRequestInput): { method: string; url: string; message: Buffer } {
  const method = input.method.toUpperCase();
  const url = canonicalUrl(input.url);
  return { method, url, message: requestMessage(method, url, input.timestamp, input.nonce, input.body ?? '') };
}

function assemble(
  merchant: Pick<Merchant, 'mchid' | 'serialNo'>,
  input: SignRequestInput,
  { method, url, message }: { method: string; url: string; message: Buffer },
  signature: string,
): SignedRequest {
  const authorization = buildAuthorization({
    mchid: merchant.mchid,
    nonce_str: input.nonce,
    signature,
    timestamp: input.timestamp,
    serial_no: merchant.serialNo,
  });
  return {
    method,
    url,
    timestamp: input.timestamp,
    nonce: input.nonce,
    message: message.toString(),
    signature,
    authorization,
  };
}

export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export function jsapiPayParams(
  privateKey: KeyObject,
  appId: string,
  prepayId: string,
  timeStamp: string,
  nonceStr: string,
): JsapiPayParams {
  const pkg = `prepay_id=${prepayId}`;
  const paySign = signMessage(privateKey, jsapiPayMessage(appId, timeStamp, nonceStr, pkg));
  return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
}

export interface AppPayParams {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

export function appPayParams(
  privateKey: KeyObject,
  appid: string,
  partnerid: string,
  prepayid: string,
  timestamp: string,
  noncestr: string,
): AppPayParams {
  const sign = signMessage(privateKey, appPayMessage(appid, timestamp, noncestr, prepayid));
  return { appid, partnerid, prepayid, package: 'Sign=WXPay', noncestr, timestamp, sign };
}
