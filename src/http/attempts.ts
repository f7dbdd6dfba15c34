// The attempt loop behind client.request: fail over to the backup domain when nothing reached the server, retry
// (GET, or idempotent: true) on network errors, 5xx, 202 and 429 with jittered backoff, never on other 4xx; then
// map a non-2xx answer to WECHATPAY_ERROR and verify a 2xx from its raw bytes.
import { BACKUP_BASE_URL, DEFAULT_BASE_URL } from '../protocol/hosts.js';
import { isWxpayError } from '../protocol/errors.js';
import type { ResponseVerifier } from './answer-verify.js';
import type { ClientRequest, ClientResponse, PreparedRequest } from './client-types.js';
import { networkError, wechatpayError } from './error.js';
import { backoffDelay, isConnectError, isRetriableStatus, retryAfterMs } from './retry.js';
import type { Answer } from './send.js';
import { parseData } from './wire.js';

export interface Attempts {
  baseUrl: string;
  maxAttempts: number;
  baseDelay: number;
  random: (() => number) | undefined;
  sleep: (ms: number) => Promise<void>;
  log: ((line: string) => void) | undefined;
  /** A Promise only when signing off the event loop; otherwise the request goes out in the same tick. */
  prepare(base: string, req: ClientRequest): PreparedRequest | Promise<PreparedRequest>;
  send(p: PreparedRequest): Promise<Answer>;
  verifier: ResponseVerifier;
}

interface Position {
  base: string;
  failedOver: boolean;
  attempt: number;
}

export async function requestWithRetry(a: Attempts, req: ClientRequest): Promise<ClientResponse> {
  const retriable = req.method.toUpperCase() === 'GET' || req.idempotent === true;
  const at: Position = { base: a.baseUrl, failedOver: false, attempt: 1 };
  for (; ; at.attempt++) {
    const pending = a.prepare(at.base, req);
    const prepared = pending instanceof Promise ? await pending : pending;
    let r: Answer;
    try {
      r = await a.send(prepared);
    } catch (err) {
      if (await again(a, at, err, retriable)) continue;
      throw networkError(err, prepared.url, at.attempt);
    }
    if (retriable && at.attempt < a.maxAttempts && isRetriableStatus(r.status)) {
      a.log?.(`attempt ${at.attempt} got HTTP ${r.status}; retrying`);
      const floor = r.status === 429 ? retryAfterMs(r.headers['retry-after']) : undefined;
      await a.sleep(backoffDelay(at.attempt, a.baseDelay, a.random, floor));
      continue;
    }
    const requestId = r.headers['request-id'];
    if (r.status < 200 || r.status >= 300) throw wechatpayError(r.status, r.raw, requestId, at.attempt);
    const certificates = await a.verifier.verify(req.verify, r, req.trust);
    return {
      status: r.status,
      headers: r.headers,
      rawBody: r.raw,
      data: parseData(r.raw, r.headers['content-type']),
      requestId,
      attempts: at.attempt,
      ...(certificates ? { certificates } : {}),
    };
  }
}

/** After a send that threw: true to try again (failed over, or backed off), false to give up. */
async function again(a: Attempts, at: Position, err: unknown, retriable: boolean): Promise<boolean> {
  if (isWxpayError(err)) throw err; // RESPONSE_TOO_LARGE: the server answered; asking again would not help
  if (isConnectError(err) && !at.failedOver && at.base === DEFAULT_BASE_URL) {
    // Nothing reached the server, so switching domains is safe for any method (docs/protocol.md §8).
    a.log?.(`connect to ${at.base} failed; switching to ${BACKUP_BASE_URL}`);
    at.base = BACKUP_BASE_URL;
    at.failedOver = true;
    at.attempt--;
    return true;
  }
  if (retriable && at.attempt < a.maxAttempts) {
    a.log?.(`attempt ${at.attempt} failed (${(err as Error).message}); retrying`);
    await a.sleep(backoffDelay(at.attempt, a.baseDelay, a.random));
    return true;
  }
  return false;
}
