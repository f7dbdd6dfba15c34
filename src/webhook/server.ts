// `webhook serve`'s HTTP adapter: raw body capped at 1 MiB (413), explicit header/request timeouts, a cap on
// connections and on body bytes held at once, the handler does the rest. At start it reads the journal line by line
// and forwards again the events acknowledged but never forwarded (same webhook-id). close() stops accepting, lets
// requests in flight and background forwards finish, journals the last rate-limit summary, then flushes.
import path from 'node:path';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import type { KeyStore } from '../protocol/keys.js';
import { isWxpayError, WxpayError } from '../protocol/errors.js';
import { normalizeHeaders } from '../protocol/headers.js';
import { listenOn } from '../http/listen.js';
import { applyHttpLimits, httpServerOptions, resolveHttpLimits, type HttpLimits } from '../http/limits.js';
import { BodyBudget, readBudgetedBody } from './body-budget.js';
import { forwardSecret } from './forward-secret.js';
import { createForwarder } from './forwarder.js';
import { createHandler, type Incoming, type Reply } from './handler.js';
import { merchantSet, routedProfile, type MerchantKeys } from './merchants.js';
import { openEntries, openJournal, recoverJournal } from './journal.js';
import { throttledReload } from './key-reload.js';
import type { LiveEvent } from './live-line.js';
import { reforward } from './reforward.js';
import { createRejectionLimiter, DEFAULT_REJECTION_LIMITS, type RejectionLimits } from './rejections.js';
import { storeParts, type StoreOptions } from './store-mode.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** WeChat Pay sends small bodies at once; anything slower than this is not WeChat Pay. */
export const WEBHOOK_LIMITS: HttpLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxBodyBytes: MAX_BODY_BYTES,
  checkIntervalMs: 1_000,
};
/** WeChat Pay opens a handful of connections; a flood gets no more than this many at once. */
export const DEFAULT_MAX_CONNECTIONS = 256;
/** Body bytes held at once over all requests (a real callback is 1-2 KB). */
export const DEFAULT_MAX_INFLIGHT_BYTES = 16 * 1024 * 1024;

/** One merchant's keys, or many merchants (`--profiles`): a callback on the shared path goes to the merchant owning
 *  its Wechatpay-Serial, one on /notify/<profile> to that profile. */
export type WebhookServerOptions = WebhookServerCommon &
  (
    | {
        keys: KeyStore;
        /** Certificate mode: reads the verification keys again; called on an unknown serial, at most once a second. */
        reloadKeys?: () => Promise<KeyStore>;
        apiV3Key: KeyObject;
        merchants?: undefined;
      }
    | { merchants: readonly MerchantKeys[]; keys?: undefined; apiV3Key?: undefined; reloadKeys?: undefined }
  );

interface WebhookServerCommon {
  host?: string;
  port?: number;
  path?: string;
  journalPath: string;
  /** Rotate the journal past this size (default 256 MiB). */
  rotateBytes?: number;
  forwardTo?: string;
  /** The whsec_ secret forwards are signed with (default: the one beside the journal, created on first use). */
  forwardSecret?: string;
  forwardAttempts?: number;
  forwardBaseDelayMs?: number;
  ackAfterForward?: boolean;
  ackBudgetMs?: number;
  /** The command that re-sends one event's forward, logged with a failed forward. */
  resendCommand?: (id: string) => string;
  maxConnections?: number;
  maxInflightBytes?: number;
  rejectionLimits?: Partial<RejectionLimits>;
  /** How often the count of 429-refused requests is journalled (default 10 s). */
  summaryIntervalMs?: number;
  now?: () => number;
  windowSeconds?: number;
  onEvent?: (e: LiveEvent) => void;
  /** Timeouts and body cap (default WEBHOOK_LIMITS); tests shorten them. */
  limits?: Partial<HttpLimits>;
  /** --store: events, outbox and rejection counts in PostgreSQL (the journal file is not written). */
  store?: StoreOptions | undefined;
}

export interface WebhookServer {
  url: string;
  server: Server;
  /** Ids already acknowledged when the server started (from the journal). */
  recovered: number;
  /** Bytes of a torn last journal line cut on open. */
  cutBytes: number;
  /** Events acknowledged earlier but never forwarded: being forwarded again now. */
  reforwarding: number;
  close(): Promise<void>;
}

const FAIL = (message: string) => JSON.stringify({ code: 'FAIL', message });

/** The merchant keys part of the handler's dependencies. Checked before the journal opens: a shared serial is a
 *  start-up error. */
function merchantDeps(opts: WebhookServerOptions, now: () => number) {
  if (opts.merchants) return { merchants: merchantSet(opts.merchants, now) } as const;
  const reloadKeys = throttledReload(opts.reloadKeys, now);
  return { keys: opts.keys, apiV3Key: opts.apiV3Key, ...(reloadKeys ? { reloadKeys } : {}) } as const;
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const now = opts.now ?? Date.now;
  const keyDeps = merchantDeps(opts, now);
  const onEvent = opts.onEvent ?? (() => undefined);
  const forward = opts.forwardTo ? await forwarderFor(opts, now) : undefined;
  const summaryIntervalMs = opts.summaryIntervalMs ?? 10_000;
  const stored = opts.store
    ? storeParts(opts.store, {
        forward,
        now,
        onEvent,
        intervalMs: summaryIntervalMs,
        baseDelayMs: opts.forwardBaseDelayMs,
      })
    : undefined;
  const { seen, unforwarded, journal } = stored ?? (await openJournalOrFail(opts.journalPath, opts.rotateBytes));
  const recovered = seen.size;
  const toReforward = opts.forwardTo && unforwarded.length ? await openEntries(unforwarded) : undefined;
  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };
  const limiter = createRejectionLimiter({ ...DEFAULT_REJECTION_LIMITS, ...opts.rejectionLimits }, now());
  const handle = createHandler({
    ...keyDeps,
    now,
    journal,
    seen,
    limiter,
    onEvent,
    track,
    store: stored?.sink,
    ...(opts.windowSeconds !== undefined ? { windowSeconds: opts.windowSeconds } : {}),
    ...(forward ? { forward } : {}),
    ...(opts.resendCommand ? { resendCommand: opts.resendCommand } : {}),
    ackAfterForward: Boolean(opts.ackAfterForward),
    ...(opts.ackBudgetMs ? { ackBudgetMs: opts.ackBudgetMs } : {}),
  });
  const wantPath = opts.path ?? '/';

  const send = (res: ServerResponse, reply: Reply, close = false) => {
    const headers: Record<string, string> = reply.body ? { 'content-type': 'application/json' } : {};
    if (close) headers.connection = 'close';
    res.writeHead(reply.status, headers).end(reply.body);
  };

  const limits = resolveHttpLimits(WEBHOOK_LIMITS, opts.limits);
  const budget = new BodyBudget(opts.maxInflightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES);
  const server = createServer(httpServerOptions(limits), (req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    const profile = routedProfile(keyDeps.merchants, url);
    if (url !== wantPath && profile === undefined) {
      send(res, { status: 404, body: FAIL(`no listener at ${url}; this one is at ${wantPath}`) });
      return;
    }
    if (req.method !== 'POST') {
      send(res, { status: 405, body: FAIL('callbacks are POST') });
      return;
    }
    const receivedAt = new Date().toISOString();
    readBudgetedBody(req, limits.maxBodyBytes, budget)
      .then(async (body) => {
        if (body === 'busy')
          return void res
            .writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1' })
            .end(FAIL('too many request bodies in flight; retry'), () => req.destroy());
        if (body === undefined) {
          send(res, { status: 413, body: FAIL(`body over ${limits.maxBodyBytes} bytes`) }, true);
          return;
        }
        const incoming: Incoming = {
          method: 'POST',
          path: req.url ?? '/',
          headers: normalizeHeaders(req.headers),
          rawBody: body,
          receivedAt,
          ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}),
          ...(profile !== undefined ? { profile } : {}),
        };
        send(res, await handle(incoming));
      })
      .catch(() => {
        if (!res.headersSent) send(res, { status: 500, body: FAIL('internal error') }, true);
      });
  });
  applyHttpLimits(server, limits);
  server.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  try {
    await listenOn(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  } catch (err) {
    await toReforward?.return(undefined);
    await stored?.pump?.stop();
    await journal.close();
    throw err;
  }
  const summarize = () => {
    const line = limiter.summary(now());
    if (line) track(journal.append(line).catch(() => undefined));
  };
  const timer = setInterval(summarize, summaryIntervalMs).unref();
  let stopping = false;
  if (toReforward)
    track(
      reforward(
        toReforward,
        { forward: forward!, journal, onEvent, ...(opts.resendCommand ? { resendCommand: opts.resendCommand } : {}) },
        () => stopping,
      ).catch(() => undefined),
    );
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${addr.port}${wantPath}`,
    server,
    recovered,
    cutBytes: journal.cutBytes,
    reforwarding: toReforward ? unforwarded.length : 0,
    close() {
      closing ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await closed;
        clearInterval(timer);
        summarize();
        await Promise.allSettled([...background]);
        await stored?.pump?.stop();
        await journal.close();
      })();
      return closing;
    },
  };
}

/** Forwards signed with the given secret or the one beside the journal. With a store, one attempt per claim of an
 *  outbox row: the retries are the rows' (they outlive this instance). */
async function forwarderFor(opts: WebhookServerOptions, now: () => number) {
  const secret = opts.forwardSecret ?? (await forwardSecret(opts.journalPath)).secret;
  const attempts = opts.store ? 1 : opts.forwardAttempts;
  return createForwarder({
    url: opts.forwardTo!,
    secret,
    now,
    ...(attempts ? { attempts } : {}),
    ...(opts.forwardBaseDelayMs !== undefined ? { baseDelayMs: opts.forwardBaseDelayMs } : {}),
  });
}

/** A journal that cannot be read or opened for append is the operator's to fix (a path, a folder, permissions). */
async function openJournalOrFail(file: string, rotateBytes?: number) {
  try {
    const recovered = await recoverJournal(file);
    return { ...recovered, journal: await openJournal(file, rotateBytes ? { rotateBytes } : {}) };
  } catch (err) {
    if (isWxpayError(err)) throw err; // FILE_UNSAFE: a symlink at the journal's path
    throw new WxpayError('JOURNAL_UNWRITABLE', `Cannot open the journal ${file}: ${(err as Error).message}`, {
      cause: err,
      hint: `Check that the folder ${path.dirname(file)} exists and is writable, or choose another file with --journal <file>.`,
    });
  }
}
