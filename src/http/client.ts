// The v3 HTTP client (docs/protocol.md §1, §2, §8) on undici: sign, send exactly the signed bytes, verify every 2xx
// from its raw bytes, map errors, retry where safe, fail over to the backup domain. Stable contract:
//
//   createClient({ baseUrl, merchant, keys, apiV3Key?, publicKeyId?, dispatcher?, now?, nonce?,
//                  connectTimeoutMs?=5000, timeoutMs?=30000, maxAttempts?=3, retryBaseDelayMs?=200,
//                  userAgent?, log? }): WxpayClient
//   client.request({ method, path, query?, body?: object | string, idempotent?, verify?, trust?, headers? })
//     -> { status, headers (lower-case), rawBody: Buffer, data: unknown, requestId, attempts, certificates? }
//   client.prepare(req) -> the signed request without sending it (the bill download sends it itself)
//   client.preview(req) -> --dry-run: signature="<not signed: --dry-run>" and the message that would be signed
//   client.keys() -> the current verification KeyStore; client.close() frees an owned connection pool.
//
// Throws WxpayError: WECHATPAY_ERROR (exit 5; status, code, message, detail, Request-ID), NETWORK / TIMEOUT (4),
// VERIFY_* and RESPONSE_TOO_LARGE (6; over 4 MiB of answer or 64 KiB of error body, http-answer.ts). verify:
// 'signature' (default) | 'none-bill-download' (the file download is checked by hash instead) |
// 'certificate-list' (GET /v3/certificates: decrypt, then verify with `trust` or the decrypted certs).
// An unknown hex serial triggers exactly one refresh through /v3/certificates per serial; the key store is
// replaced, never mutated, and lives in this client only. Retries (GET, or idempotent: true) on network
// errors, 5xx, 202 and 429 with jittered backoff; never on other 4xx.
import { createDispatcher } from './proxy.js';
import { createResponseVerifier, type VerifyMode } from './answer-verify.js';
import { requestWithRetry, type Attempts } from './attempts.js';
import type {
  ClientRequest,
  PreparedRequest,
  PreviewRequest,
  WxpayClient,
  WxpayClientOptions,
} from './client-types.js';
import { sendPrepared } from './send.js';
import { buildTarget, serializeBody, userAgentFor } from './wire.js';
import {
  signRequest,
  signRequestAsync,
  unsignedRequest,
  unixSeconds,
  type SignedRequest,
  type SignRequestInput,
} from '../protocol/sign.js';
import { newNonce } from '../protocol/nonce.js';
import { ENDPOINTS } from '../protocol/endpoints.js';

export type {
  ClientRequest,
  ClientResponse,
  PreparedRequest,
  PreviewRequest,
  WxpayClient,
  WxpayClientOptions,
} from './client-types.js';
export type { VerifyMode };
export type { Query, QueryValue } from './wire.js';

export { buildTarget, userAgentFor };

export function createClient(opts: WxpayClientOptions): WxpayClient {
  const now = opts.now ?? (() => Date.now());
  const nonce = opts.nonce ?? newNonce;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const log = opts.log;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const owned = opts.dispatcher
    ? undefined
    : createDispatcher({
        timeoutMs,
        ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
        ...(opts.proxy ? { proxy: opts.proxy } : {}),
      });
  const dispatcher = opts.dispatcher ?? owned!;
  const verifier = createResponseVerifier({
    keys: opts.keys,
    now,
    ...(opts.apiV3Key ? { apiV3Key: opts.apiV3Key } : {}),
    ...(log ? { log } : {}),
    fetchCertificates: async () =>
      (await client.request({ method: 'GET', path: ENDPOINTS.certificates, verify: 'certificate-list' }))
        .certificates ?? [],
  });

  const prepare = preparer(opts, now, nonce);
  const attempts: Attempts = {
    baseUrl,
    maxAttempts: Math.max(1, opts.maxAttempts ?? 3),
    baseDelay: opts.retryBaseDelayMs ?? 200,
    random: opts.random,
    sleep: opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    log,
    prepare: opts.signOffLoop ? prepare.offLoop : prepare.now,
    send: (p: PreparedRequest) => sendPrepared(p, dispatcher, timeoutMs, log),
    verifier,
  };

  const client: WxpayClient = {
    baseUrl,
    merchant: opts.merchant,
    timeoutMs,
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
    keys: () => verifier.keys(),
    prepare: (req) => prepare.now(baseUrl, req),
    preview: (req) => prepare.preview(baseUrl, req),
    request: (req) => requestWithRetry(attempts, req),
    async close() {
      await owned?.close();
    },
  };
  return client;
}

/** Signs a request for a base URL: the same headers for a real call (signed now, or off the event loop) and a
 *  --dry-run (unsignedRequest). */
function preparer(opts: WxpayClientOptions, now: () => number, nonce: () => string) {
  const frame = (base: string, req: ClientRequest) => {
    const method = req.method.toUpperCase();
    const url = `${base}${buildTarget(req.path, req.query)}`;
    const body = req.upload ? req.upload.signed : serializeBody(req.body);
    const input: SignRequestInput = { method, url, body, timestamp: unixSeconds(now()), nonce: nonce() };
    const finish = (signed: SignedRequest): PreviewRequest => {
      const contentType = req.upload?.contentType ?? (body !== '' ? 'application/json' : undefined);
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'User-Agent': opts.userAgent ?? 'wxpay',
        Authorization: signed.authorization,
        ...(contentType ? { 'Content-Type': contentType } : {}),
        ...(opts.publicKeyId ? { 'Wechatpay-Serial': opts.publicKeyId } : {}),
        ...req.headers,
      };
      return { method, url, headers, body: req.upload?.bytes ?? body, message: signed.message };
    };
    return { input, finish };
  };
  return {
    now: (base: string, req: ClientRequest): PreviewRequest => {
      const f = frame(base, req);
      return f.finish(signRequest(opts.merchant, f.input));
    },
    offLoop: async (base: string, req: ClientRequest): Promise<PreviewRequest> => {
      const f = frame(base, req);
      return f.finish(await signRequestAsync(opts.merchant, f.input));
    },
    preview: (base: string, req: ClientRequest): PreviewRequest => {
      const f = frame(base, req);
      return f.finish(unsignedRequest(opts.merchant, f.input));
    },
  };
}
