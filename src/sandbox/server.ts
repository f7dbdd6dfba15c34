// `wxpay sandbox serve`: a plain node:http server that behaves like api.mch.weixin.qq.com (authentication,
// signed 2xx answers, real error bodies) plus the /sandbox control API. Loopback by default, one state per instance.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOn } from '../http/listen.js';
import { applyHttpLimits, httpServerOptions, resolveHttpLimits, type HttpLimits } from '../http/limits.js';
import type { RequestLogEntry, SandboxContext } from './context.js';
import type { SandboxMode } from './keyset.js';
import { loadMerchantKeySets, newContext, pickMerchant } from './merchant-contexts.js';
import type { DeliveryRecord } from './notifier.js';
import { handle, type HandlerEnv } from './request-handler.js';
import { ROUTE_MODULES } from './routes/index.js';
import { httpDates } from './reply.js';
import { Router, type RouteDef } from './router.js';
import { createSignPool } from './sign-pool.js';
import type { SandboxState } from './state.js';
import { newUiToken } from './ui/gate.js';
import { UI_BASE } from './ui/layout.js';
import { hostRule } from './web-guard.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const SANDBOX_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxBodyBytes: MAX_BODY_BYTES,
  checkIntervalMs: 1_000,
};

export interface SandboxOptions {
  dir: string;
  host?: string;
  port?: number;
  mode?: SandboxMode;
  /** Pay every new order after this many ms. */
  autoPayMs?: number;
  /** Finish a PROCESSING refund as SUCCESS after this many ms (default 1000); negative = only via the admin API. */
  autoRefundMs?: number;
  /** Divides the notification retry schedule (15 s, 15 s, 30 s, ...). */
  timeScale?: number;
  /** Refunds of one order must be this many ms apart (default 60000, as production; 0 = off). */
  refundSpacingMs?: number;
  statePath?: string;
  /** ms since the epoch. */
  now?: () => number;
  /** Moves the bill calendar (which days' bills exist) by this many ms; signatures keep now(). `sandbox serve --clock`. */
  billClockOffsetMs?: number;
  random?: () => number;
  /** Extra route modules (tests, or areas not yet in routes/index.ts). */
  routes?: readonly RouteDef[];
  onRequest?: ((entry: RequestLogEntry) => void) | undefined;
  /** A bug inside a handler (answered as 500 SYSTEM_ERROR). */
  onError?: (err: unknown) => void;
  /** Answers signed at once off the event loop, on Node's thread pool (default 0: on it); `sandbox serve`: one a core. */
  signWorkers?: number;
  /** Timeouts and body cap (default SANDBOX_LIMITS); tests shorten them. */
  limits?: Partial<HttpLimits>;
}

export interface SandboxHandle {
  url: string;
  /** The dashboard, with this process's token (ui/gate.ts): the first visit turns it into a cookie. */
  uiUrl: string;
  port: number;
  host: string;
  mode: SandboxMode;
  /** The first merchant's context (the only one unless `sandbox init --merchants N`). */
  context: SandboxContext;
  /** Every merchant's context, the first first. */
  merchants: readonly SandboxContext[];
  state: SandboxState;
  notifications(): DeliveryRecord[];
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions): Promise<SandboxHandle> {
  const keySets = await loadMerchantKeySets(opts.dir);
  const timers = timerSet();
  const signPool = opts.signWorkers ? createSignPool(opts.signWorkers) : undefined;
  const shared = { clock: opts.now ?? Date.now, later: timers.later, signPool };
  const contexts = keySets.map((keys, i) => newContext(keys, i, opts, shared));
  const context = contexts[0]!;
  const limits = resolveHttpLimits(SANDBOX_LIMITS, opts.limits);
  const host = opts.host ?? '127.0.0.1';
  const uiToken = newUiToken();
  const envs = handlerEnvs(contexts, opts, { maxBody: limits.maxBodyBytes, host, uiToken });
  const server = createServer(
    httpServerOptions(limits),
    (req, res) => void handle(pickMerchant(envs, req.headers, req.url ?? '/'), req, res),
  );
  applyHttpLimits(server, limits);
  try {
    await listenOn(server, opts.port ?? 0, host);
  } catch (err) {
    await signPool?.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  for (const env of envs) env.hosts = hostRule(host, port);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    uiUrl: `${url}${UI_BASE}?token=${uiToken}`,
    port,
    host,
    mode: context.mode,
    context,
    merchants: contexts,
    state: context.state,
    notifications: () => context.notifier.deliveries,
    close: async () => {
      timers.clear();
      for (const c of contexts) c.notifier.close();
      await signPool?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Every delayed action (auto-pay, auto-refund, notification retries, slow faults), so close() can cancel them all. */
function timerSet(): { later: (ms: number, fn: () => void) => void; clear: () => void } {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(
      () => {
        timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    timers.add(t);
  };
  const clear = () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
  return { later, clear };
}

/** One handler environment per merchant; all share the router. The Host rule gets its port once the server listens. */
function handlerEnvs(
  contexts: SandboxContext[],
  opts: SandboxOptions,
  shared: { maxBody: number; host: string; uiToken: string },
): HandlerEnv[] {
  const router = new Router([...ROUTE_MODULES.flat(), ...(opts.routes ?? [])]);
  return contexts.map((ctx) => ({
    ctx,
    router,
    maxBody: shared.maxBody,
    hosts: hostRule(shared.host, 0),
    uiToken: shared.uiToken,
    httpDate: httpDates(),
    ...(opts.onRequest ? { log: opts.onRequest } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  }));
}
