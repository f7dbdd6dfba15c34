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
import type { KeyObject } from 'node:crypto';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { createDispatcher, type ProxySettings } from './proxy.js';
import { BACKUP_BASE_URL, DEFAULT_BASE_URL } from '../protocol/hosts.js';
import { isWxpayError } from '../protocol/errors.js';
import { readAnswer } from './answer.js';
import { networkError, wechatpayError } from './error.js';
import { createResponseVerifier, type VerifyMode } from './answer-verify.js';
import type { KeyStore } from '../protocol/keys.js';
import type { DecryptedCertificate } from '../protocol/platform-certs.js';
import { formatExchange } from '../protocol/redact.js';
import { backoffDelay, isConnectError, isRetriableStatus, retryAfterMs } from './retry.js';
import { buildTarget, parseData, serializeBody, userAgentFor, type Query } from './wire.js';
import { signRequest, unsignedRequest, unixSeconds, type Merchant } from '../protocol/sign.js';
import { newNonce } from '../protocol/nonce.js';
import { ENDPOINTS } from '../protocol/endpoints.js';

export interface WxpayClientOptions {
  baseUrl: string;
  merchant: Merchant;
  keys: KeyStore;
  apiV3Key?: KeyObject;
  publicKeyId?: string;
  dispatcher?: Dispatcher;
  /** HTTP(S)_PROXY / NO_PROXY for the client's own dispatcher (http/proxy.ts); ignored with `dispatcher`. */
  proxy?: ProxySettings;
  /** Milliseconds since the epoch. */
  now?: () => number;
  nonce?: () => string;
  connectTimeoutMs?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  userAgent?: string;
  /** Redacted verbose log, one line per call. */
  log?: (line: string) => void;
  /** For tests: replaces the backoff sleep. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type { VerifyMode };
export type { Query, QueryValue } from './wire.js';

export interface ClientRequest {
  method: string;
  /** Path (placeholders already percent-encoded), optionally with a query; signed verbatim. */
  path: string;
  query?: Query;
  body?: object | string;
  /** A multipart upload (docs/protocol.md §14): `bytes` go on the wire, only `signed` (the meta JSON) is signed. */
  upload?: { bytes: Buffer; contentType: string; signed: string };
  /** The idempotency key is in the body (out_trade_no, out_refund_no): a POST may be retried. */
  idempotent?: boolean;
  verify?: VerifyMode;
  /** certificate-list only: verify with these keys alone (a known certificate). */
  trust?: KeyStore;
  headers?: Record<string, string>;
}

export interface ClientResponse {
  status: number;
  headers: Record<string, string>;
  rawBody: Buffer;
  data: unknown;
  requestId: string | undefined;
  attempts: number;
  certificates?: DecryptedCertificate[];
}

export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A Buffer only for an upload, whose wire bytes differ from what was signed. */
  body: string | Buffer;
}

/** A --dry-run's request: the Authorization header carries DRY_RUN_SIGNATURE; `message` is what would be signed. */
export type PreviewRequest = PreparedRequest & { message: string };

export interface WxpayClient {
  request(req: ClientRequest): Promise<ClientResponse>;
  prepare(req: ClientRequest): PreparedRequest;
  preview(req: ClientRequest): PreviewRequest;
  keys(): KeyStore;
  readonly baseUrl: string;
  readonly merchant: Merchant;
  /** The total time one request may take (timeoutMs): batches also wait it out before trusting a "not found". */
  readonly timeoutMs: number;
  /** The proxy settings it was built with: a bill download goes the same way. */
  readonly proxy?: ProxySettings;
  close(): Promise<void>;
}

export { buildTarget, userAgentFor };

export function createClient(opts: WxpayClientOptions): WxpayClient {
  const now = opts.now ?? (() => Date.now());
  const nonce = opts.nonce ?? newNonce;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const baseDelay = opts.retryBaseDelayMs ?? 200;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
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

  function prepareAt(base: string, req: ClientRequest, sign = signRequest): PreviewRequest {
    const method = req.method.toUpperCase();
    const url = `${base}${buildTarget(req.path, req.query)}`;
    const body = req.upload ? req.upload.signed : serializeBody(req.body);
    const signed = sign(opts.merchant, { method, url, body, timestamp: unixSeconds(now()), nonce: nonce() });
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
  }

  async function send(p: PreparedRequest): Promise<{ status: number; headers: Record<string, string>; raw: Buffer }> {
    const logged = typeof p.body === 'string' ? p.body : `<multipart/form-data, ${p.body.length} bytes>`;
    log?.(formatExchange(`> ${p.method} ${p.url}`, p.headers, logged).join('\n'));
    const ac = new AbortController();
    const timer = setTimeout(
      () => ac.abort(Object.assign(new Error(`total timeout ${timeoutMs} ms`), { name: 'TimeoutError' })),
      timeoutMs,
    );
    try {
      const res = await undiciRequest(p.url, {
        method: p.method,
        headers: p.headers,
        body: p.body === '' ? null : p.body,
        dispatcher,
        signal: ac.signal,
      });
      const answer = await readAnswer(res, p.url);
      log?.(formatExchange(`< ${answer.status} ${p.method} ${p.url}`, answer.headers, answer.raw).join('\n'));
      return answer;
    } catch (err) {
      throw ac.signal.aborted ? ac.signal.reason : err;
    } finally {
      clearTimeout(timer);
    }
  }

  const client: WxpayClient = {
    baseUrl,
    merchant: opts.merchant,
    timeoutMs,
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
    keys: () => verifier.keys(),
    prepare: (req) => prepareAt(baseUrl, req),
    preview: (req) => prepareAt(baseUrl, req, unsignedRequest),
    async request(req) {
      const retriable = req.method.toUpperCase() === 'GET' || req.idempotent === true;
      let base = baseUrl;
      let failedOver = false;
      for (let attempt = 1; ; attempt++) {
        const prepared = prepareAt(base, req);
        let r: Awaited<ReturnType<typeof send>>;
        try {
          r = await send(prepared);
        } catch (err) {
          if (isWxpayError(err)) throw err; // RESPONSE_TOO_LARGE: the server answered; asking again would not help
          if (isConnectError(err) && !failedOver && base === DEFAULT_BASE_URL) {
            // Nothing reached the server, so switching domains is safe for any method (docs/protocol.md §8).
            log?.(`connect to ${base} failed; switching to ${BACKUP_BASE_URL}`);
            base = BACKUP_BASE_URL;
            failedOver = true;
            attempt--;
            continue;
          }
          if (retriable && attempt < maxAttempts) {
            log?.(`attempt ${attempt} failed (${(err as Error).message}); retrying`);
            await sleep(backoffDelay(attempt, baseDelay, opts.random));
            continue;
          }
          throw networkError(err, prepared.url, attempt);
        }
        if (retriable && attempt < maxAttempts && isRetriableStatus(r.status)) {
          log?.(`attempt ${attempt} got HTTP ${r.status}; retrying`);
          await sleep(
            backoffDelay(
              attempt,
              baseDelay,
              opts.random,
              r.status === 429 ? retryAfterMs(r.headers['retry-after']) : undefined,
            ),
          );
          continue;
        }
        const requestId = r.headers['request-id'];
        if (r.status < 200 || r.status >= 300) throw wechatpayError(r.status, r.raw, requestId, attempt);
        const certificates = await verifier.verify(req.verify, r, req.trust);
        return {
          status: r.status,
          headers: r.headers,
          rawBody: r.raw,
          data: parseData(r.raw, r.headers['content-type']),
          requestId,
          attempts: attempt,
          ...(certificates ? { certificates } : {}),
        };
      }
    },
    async close() {
      await owned?.close();
    },
  };
  return client;
}
