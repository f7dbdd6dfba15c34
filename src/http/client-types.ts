// The client's contract as types: its options, a request, an answer, a prepared (signed) request and the client.
// http/client.ts re-exports them; callers keep importing from there.
import type { KeyObject } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { KeyStore } from '../protocol/keys.js';
import type { DecryptedCertificate } from '../protocol/platform-certs.js';
import type { Merchant } from '../protocol/sign.js';
import type { VerifyMode } from './answer-verify.js';
import type { ProxySettings } from './proxy.js';
import type { Query } from './wire.js';

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
  /** Sign each request on libuv's thread pool (signRequestAsync) rather than on the event loop: for many requests
   *  at once (batches), so RSA signing uses every core while the loop sends and reads. Same bytes either way. */
  signOffLoop?: boolean;
  /** For tests: replaces the backoff sleep. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

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
