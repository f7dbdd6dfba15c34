// `webhook serve`'s HTTP adapter: raw body capped at 1 MiB (413), explicit header/request timeouts, a cap on
// connections and on body bytes held at once, the handler does the rest. At start it reads the journal line by line
// and forwards again the events acknowledged but never forwarded (same webhook-id). close() stops accepting, lets
// requests in flight and background forwards finish, journals the last rate-limit summary, then flushes.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import type { KeyStore } from '../protocol/keys.js';
import { listenOn } from '../http/listen.js';
import { applyHttpLimits, httpServerOptions, resolveHttpLimits, type HttpLimits } from '../http/limits.js';
import { BodyBudget } from './body-budget.js';
import type { Incoming, Reply } from './handler.js';
import type { MerchantKeys, MerchantSet } from './merchants.js';
import type { LiveEvent } from './live-line.js';
import { reforward } from './reforward.js';
import { createRejectionLimiter, DEFAULT_REJECTION_LIMITS, type RejectionLimits } from './rejections.js';
import { requestListener } from './request-listener.js';
import { forwarderFor, handlerFor, merchantDeps, openEventLog, type EventLog } from './server-setup.js';
import type { Forwarder } from './forwarder.js';
import type { StoreOptions } from './store-mode.js';

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

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const now = opts.now ?? Date.now;
  const keyDeps = merchantDeps(opts, now);
  const onEvent = opts.onEvent ?? (() => undefined);
  const forward = opts.forwardTo ? await forwarderFor(opts, now) : undefined;
  const summaryIntervalMs = opts.summaryIntervalMs ?? 10_000;
  const log = await openEventLog(opts, { forward, now, onEvent, summaryIntervalMs });
  const background = backgroundTasks();
  const limiter = createRejectionLimiter({ ...DEFAULT_REJECTION_LIMITS, ...opts.rejectionLimits }, now());
  const handle = handlerFor(opts, { keyDeps, now, log, limiter, onEvent, track: background.track, forward });
  const wantPath = opts.path ?? '/';
  const listener = requestListenerFor(opts, wantPath, keyDeps.merchants, handle);
  const server = await listenOrRelease(opts, listener, { log, forward });
  const summarize = () => {
    const line = limiter.summary(now());
    if (line) background.track(log.journal.append(line).catch(() => undefined));
  };
  const timer = setInterval(summarize, summaryIntervalMs).unref();
  let stopping = false;
  if (log.toReforward)
    background.track(
      reforward(
        log.toReforward,
        {
          forward: forward!,
          journal: log.journal,
          onEvent,
          ...(opts.resendCommand ? { resendCommand: opts.resendCommand } : {}),
        },
        () => stopping,
      ).catch(() => undefined),
    );
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${addr.port}${wantPath}`,
    server,
    recovered: log.seen.size,
    cutBytes: log.journal.cutBytes,
    reforwarding: log.toReforward ? log.unforwarded.length : 0,
    close() {
      closing ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await closed;
        clearInterval(timer);
        summarize();
        await background.settled();
        await log.stored?.pump?.stop();
        forward?.close(); // no forward runs now: the background tasks and the pump have stopped
        await log.journal.close();
      })();
      return closing;
    },
  };
}

/** The request listener with the server's body cap and in-flight budget. */
function requestListenerFor(
  opts: WebhookServerOptions,
  wantPath: string,
  merchants: MerchantSet | undefined,
  handle: (req: Incoming) => Promise<Reply>,
) {
  const maxBodyBytes = resolveHttpLimits(WEBHOOK_LIMITS, opts.limits).maxBodyBytes;
  const budget = new BodyBudget(opts.maxInflightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES);
  return requestListener({ wantPath, merchants, maxBodyBytes, budget, handle });
}

/** The HTTP server with its timeouts and connection cap, listening. One that cannot start releases what was opened
 *  for it (the re-forward reader, the pump, the journal, the forwarder's pool). */
async function listenOrRelease(
  opts: WebhookServerOptions,
  listener: RequestListener,
  { log, forward }: { log: EventLog; forward: Forwarder | undefined },
): Promise<Server> {
  const limits = resolveHttpLimits(WEBHOOK_LIMITS, opts.limits);
  const server = createServer(httpServerOptions(limits), listener);
  applyHttpLimits(server, limits);
  server.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  try {
    await listenOn(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  } catch (err) {
    await log.toReforward?.return(undefined);
    await log.stored?.pump?.stop();
    await log.journal.close();
    forward?.close();
    throw err;
  }
  return server;
}

/** Background forwards and journal appends, kept alive until shutdown waits for them. */
function backgroundTasks() {
  const running = new Set<Promise<unknown>>();
  return {
    track: (p: Promise<unknown>): void => {
      running.add(p);
      void p.finally(() => running.delete(p));
    },
    settled: () => Promise.allSettled([...running]),
  };
}
