// One callback through `webhook serve`, framework-free: verify + decrypt (core verifyAndDecrypt), journal with
// fsync, THEN answer; duplicates are answered but not forwarded again. The HTTP server only adapts to this.
import type { KeyObject } from 'node:crypto';
import type { JournalEntry } from '../core/capture.js';
import { isWxpayError } from '../core/errors.js';
import type { KeyStore } from '../core/keys.js';
import { verifyAndDecrypt, type VerifiedNotification } from '../core/notification.js';
import type { Forward, ForwardResult } from './forwarder.js';
import { passOnHeaders } from './forwarder.js';
import type { Journal } from './journal.js';
import { liveEvent, type LiveEvent } from './live-line.js';

export interface Incoming {
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: Buffer;
  receivedAt: string;
}

export interface Reply {
  status: number;
  body?: string;
}

export interface HandlerDeps {
  keys: KeyStore;
  apiV3Key: KeyObject;
  /** Milliseconds since the epoch. */
  now: () => number;
  windowSeconds?: number;
  journal: Journal;
  /** Event ids acknowledged so far (rebuilt from the journal at start). */
  seen: Set<string>;
  forward?: Forward;
  ackAfterForward?: boolean;
  onEvent: (e: LiveEvent) => void;
  /** Keeps a background forward alive until shutdown. */
  track: (p: Promise<unknown>) => void;
}

/** WeChat Pay reads only the status: 401 for a bad or probe signature, 400 for a body that is not a notification,
 *  500 for what is our fault (wrong APIv3 key, journal) so that WeChat Pay retries once it is fixed. */
export function statusFor(code: string): number {
  if (code.startsWith('VERIFY_')) return 401;
  if (code === 'NOTIFY_NOT_JSON' || code === 'NOTIFY_BAD_RESOURCE') return 400;
  return 500;
}

/** A real callback body is 1-2 KB; a rejected body is journalled up to this size. */
export const REJECTED_BODY_MAX = 64 * 1024;

const fail = (status: number, message: string): Reply => ({ status, body: JSON.stringify({ code: 'FAIL', message }) });

export function createHandler(deps: HandlerDeps): (req: Incoming) => Promise<Reply> {
  const pending = new Map<string, Promise<unknown>>();
  const captureOf = (req: Incoming) => ({ method: req.method, path: req.path, headers: req.headers, body: req.rawBody.toString('utf8'), receivedAt: req.receivedAt });
  const doForward = (v: VerifiedNotification, headers: Record<string, string>): Promise<ForwardResult> =>
    deps.forward!({ ...v.event, resource: v.resource }, {
      ...passOnHeaders(headers),
      'x-wxpay-event-id': v.event.id,
      'x-wxpay-event-type': v.event.event_type,
    });

  async function accept(req: Incoming, v: VerifiedNotification): Promise<Reply> {
    const id = v.event.id;
    const base: JournalEntry = { ...captureOf(req), id, event_type: v.event.event_type };
    const verification = { serial: v.verification.serial, skew: v.verification.skew };
    let forward: ForwardResult | undefined;
    if (deps.forward && deps.ackAfterForward) {
      forward = await doForward(v, req.headers);
      if (!forward.ok) {
        await deps.journal.append({ ...base, outcome: 'forward_failed', status: 502, resource: v.resource, verification, forward }).catch(() => undefined);
        deps.onEvent(liveEvent(v, 502, 'forward_failed', forward));
        return fail(502, `the app did not accept the event (${forward.status ?? forward.error})`);
      }
    }
    try {
      await deps.journal.append({ ...base, outcome: 'accepted', status: 204, resource: v.resource, verification, ...(forward ? { forward } : {}) });
    } catch (err) {
      deps.onEvent(liveEvent(v, 500, 'journal_failed', forward, (err as Error).message));
      return fail(500, 'journal write failed');
    }
    deps.seen.add(id);
    if (deps.forward && !deps.ackAfterForward) {
      deps.track(doForward(v, req.headers).then((f) => deps.onEvent(liveEvent(v, 204, 'accepted', f))));
    } else deps.onEvent(liveEvent(v, 204, 'accepted', forward));
    return { status: 204 };
  }

  return async (req) => {
    let v: VerifiedNotification;
    try {
      v = verifyAndDecrypt({ headers: req.headers, rawBody: req.rawBody, keys: deps.keys, apiV3Key: deps.apiV3Key, now: Math.floor(deps.now() / 1000), ...(deps.windowSeconds !== undefined ? { windowSeconds: deps.windowSeconds } : {}) });
    } catch (err) {
      const code = isWxpayError(err) ? err.code : 'INTERNAL';
      const status = statusFor(code);
      // Rejections are journalled too (for `notify verify --explain` later) but need no fsync wait to be correct.
      // Anyone can send them, so a body past REJECTED_BODY_MAX is cut: a flood of 1 MiB junk must not fill the disk.
      const capture = captureOf(req);
      const cut = req.rawBody.length > REJECTED_BODY_MAX ? { body: req.rawBody.subarray(0, REJECTED_BODY_MAX).toString('utf8'), bodyBytes: req.rawBody.length, bodyTruncated: true } : {};
      await deps.journal.append({ ...capture, ...cut, outcome: 'rejected', status, code }).catch(() => undefined);
      deps.onEvent({ time: req.receivedAt, status, outcome: 'rejected', verification: code });
      return fail(status, code);
    }
    const id = v.event.id;
    while (pending.has(id)) await pending.get(id)!.catch(() => undefined);
    if (deps.seen.has(id)) {
      await deps.journal.append({ ...captureOf(req), id, event_type: v.event.event_type, outcome: 'duplicate', status: 204 }).catch(() => undefined);
      deps.onEvent(liveEvent(v, 204, 'duplicate'));
      return { status: 204 };
    }
    const p = accept(req, v);
    pending.set(id, p);
    try {
      return await p;
    } finally {
      pending.delete(id);
    }
  };
}
