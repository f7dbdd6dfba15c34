// `webhook serve`'s HTTP adapter: raw body capped at 1 MiB (413), explicit header/request timeouts, the handler
// does the rest. close() stops accepting, lets requests in flight and background forwards finish, then flushes.
import path from 'node:path';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import type { KeyStore } from '../core/keys.js';
import { normalizeHeaders } from '../core/headers.js';
import { WxpayError } from '../core/errors.js';
import { listenOn } from '../core/listen.js';
import { applyHttpLimits, httpServerOptions, readCappedBody, resolveHttpLimits, type HttpLimits } from '../core/http-limits.js';
import { createForwarder } from './forwarder.js';
import { createHandler, type Incoming, type Reply } from './handler.js';
import { acknowledgedIds, openJournal } from './journal.js';
import type { LiveEvent } from './live-line.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** WeChat Pay sends small bodies at once; anything slower than this is not WeChat Pay. */
export const WEBHOOK_LIMITS: HttpLimits = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, maxBodyBytes: MAX_BODY_BYTES, checkIntervalMs: 1_000 };

export interface WebhookServerOptions {
  host?: string;
  port?: number;
  path?: string;
  keys: KeyStore;
  apiV3Key: KeyObject;
  journalPath: string;
  forwardTo?: string;
  forwardAttempts?: number;
  forwardBaseDelayMs?: number;
  ackAfterForward?: boolean;
  now?: () => number;
  windowSeconds?: number;
  onEvent?: (e: LiveEvent) => void;
  /** Timeouts and body cap (default WEBHOOK_LIMITS); tests shorten them. */
  limits?: Partial<HttpLimits>;
}

export interface WebhookServer {
  url: string;
  server: Server;
  /** Ids already acknowledged when the server started (from the journal). */
  recovered: number;
  close(): Promise<void>;
}

const FAIL = (message: string) => JSON.stringify({ code: 'FAIL', message });


export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const { seen, journal } = await openJournalOrFail(opts.journalPath);
  const recovered = seen.size;
  const background = new Set<Promise<unknown>>();
  const handle = createHandler({
    keys: opts.keys,
    apiV3Key: opts.apiV3Key,
    now: opts.now ?? Date.now,
    ...(opts.windowSeconds !== undefined ? { windowSeconds: opts.windowSeconds } : {}),
    journal,
    seen,
    ...(opts.forwardTo ? { forward: createForwarder({ url: opts.forwardTo, ...(opts.forwardAttempts ? { attempts: opts.forwardAttempts } : {}), ...(opts.forwardBaseDelayMs !== undefined ? { baseDelayMs: opts.forwardBaseDelayMs } : {}) }) } : {}),
    ackAfterForward: Boolean(opts.ackAfterForward),
    onEvent: opts.onEvent ?? (() => undefined),
    track: (p) => {
      background.add(p);
      void p.finally(() => background.delete(p));
    },
  });
  const wantPath = opts.path ?? '/';

  const send = (res: ServerResponse, reply: Reply, close = false) => {
    const headers: Record<string, string> = reply.body ? { 'content-type': 'application/json' } : {};
    if (close) headers.connection = 'close';
    res.writeHead(reply.status, headers).end(reply.body);
  };

  const limits = resolveHttpLimits(WEBHOOK_LIMITS, opts.limits);
  const server = createServer(httpServerOptions(limits), (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url !== wantPath) return send(res, { status: 404, body: FAIL(`no listener at ${url}; this one is at ${wantPath}`) });
    if (req.method !== 'POST') return send(res, { status: 405, body: FAIL('callbacks are POST') });
    const receivedAt = new Date().toISOString();
    readCappedBody(req, limits.maxBodyBytes)
      .then(async (body) => {
        if (body === undefined) return send(res, { status: 413, body: FAIL(`body over ${limits.maxBodyBytes} bytes`) }, true);
        const incoming: Incoming = { method: 'POST', path: req.url ?? '/', headers: normalizeHeaders(req.headers), rawBody: body, receivedAt };
        send(res, await handle(incoming));
      })
      .catch(() => {
        if (!res.headersSent) send(res, { status: 500, body: FAIL('internal error') }, true);
      });
  });
  applyHttpLimits(server, limits);
  try {
    await listenOn(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  } catch (err) {
    await journal.close();
    throw err;
  }
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${addr.port}${wantPath}`,
    server,
    recovered,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await closed;
        await Promise.allSettled([...background]);
        await journal.close();
      })();
      return closing;
    },
  };
}

/** A journal that cannot be read or opened for append is the operator's to fix (a path, a folder, permissions). */
async function openJournalOrFail(file: string) {
  try {
    return { seen: await acknowledgedIds(file), journal: await openJournal(file) };
  } catch (err) {
    throw new WxpayError('JOURNAL_UNWRITABLE', `Cannot open the journal ${file}: ${(err as Error).message}`, {
      cause: err,
      hint: `Check that the folder ${path.dirname(file)} exists and is writable, or choose another file with --journal <file>.`,
    });
  }
}
