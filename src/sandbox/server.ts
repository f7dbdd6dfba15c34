// `wxpay sandbox serve`: a plain node:http server that behaves like api.mch.weixin.qq.com (authentication,
// signed 2xx answers, real error bodies) plus the /sandbox control API. Loopback by default, one state per instance.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { listenOn } from '../http/listen.js';
import {
  applyHttpLimits,
  httpServerOptions,
  readCappedBody,
  resolveHttpLimits,
  type HttpLimits,
} from '../http/limits.js';
import { SandboxApiError, requestId, systemError, frequencyLimited } from './api-error.js';
import { authenticate } from './auth.js';
import { chooseSigner, type RequestLogEntry, type SandboxContext } from './context.js';
import { EARLY_FAULTS } from './faults.js';
import type { SandboxMode } from './keyset.js';
import { loadMerchantKeySets, newContext, pickMerchant } from './merchant-contexts.js';
import type { DeliveryRecord } from './notifier.js';
import { ROUTE_MODULES } from './routes/index.js';
import { Router, type RouteDef, type RouteResult } from './router.js';
import { createSignPool } from './sign-pool.js';
import { signatureHeaders } from './signing.js';
import { SandboxState } from './state.js';
import { checkAdminContentType, checkHost, hostRule, type HostRule } from './web-guard.js';

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
  /** Worker threads that sign responses (default 0: on the event loop). `sandbox serve` uses one per spare core. */
  signWorkers?: number;
  /** Timeouts and body cap (default SANDBOX_LIMITS); tests shorten them. */
  limits?: Partial<HttpLimits>;
}

export interface SandboxHandle {
  url: string;
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
  const signPool = opts.signWorkers ? createSignPool(opts.signWorkers) : undefined;
  const shared = { clock: opts.now ?? Date.now, later, signPool };
  const contexts = keySets.map((keys, i) => newContext(keys, i, opts, shared));
  const context = contexts[0]!;
  const limits = resolveHttpLimits(SANDBOX_LIMITS, opts.limits);
  const host = opts.host ?? '127.0.0.1';
  const router = new Router([...ROUTE_MODULES.flat(), ...(opts.routes ?? [])]);
  const envs: HandlerEnv[] = contexts.map((ctx) => ({
    ctx,
    router,
    maxBody: limits.maxBodyBytes,
    hosts: hostRule(host, 0),
    ...(opts.onRequest ? { log: opts.onRequest } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  }));
  const server = createServer(
    httpServerOptions(limits),
    (req, res) => void handle(pickMerchant(envs, req.headers, req.url ?? '/'), req, res),
  );
  applyHttpLimits(server, limits);
  try {
    await listenOn(server, opts.port ?? 0, host);
  } catch (err) {
    // The signing workers would keep the process alive after a failed start.
    await signPool?.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  for (const env of envs) env.hosts = hostRule(host, port);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    mode: context.mode,
    context,
    merchants: contexts,
    state: context.state,
    notifications: () => context.notifier.deliveries,
    close: async () => {
      for (const t of timers) clearTimeout(t);
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

interface HandlerEnv {
  ctx: SandboxContext;
  router: Router;
  maxBody: number;
  /** Which Host headers name this sandbox (known once it listens). */
  hosts: HostRule;
  log?: (e: RequestLogEntry) => void;
  /** A bug inside a handler. */
  onError?: (err: unknown) => void;
}

async function handle(
  { ctx, router, maxBody, hosts, log, onError }: HandlerEnv,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = Date.now();
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const match = router.match(method, path);
  const route = match.kind === 'found' ? `${method} ${match.def.path}` : `${method} (unmatched)`;
  ctx.stats.set(route, (ctx.stats.get(route) ?? 0) + 1);
  ctx.counter += 1;
  let result: RouteResult;
  let errorCode: string | undefined;
  let signed = false;
  try {
    const cap = (match.kind === 'found' ? match.def.maxBodyBytes : undefined) ?? maxBody;
    const raw = await readCappedBody(req, cap);
    if (raw === undefined) throw new SandboxApiError(413, 'INVALID_REQUEST', `请求体超过${cap}字节`);
    checkHost(req.headers, hosts);
    if (match.kind === 'none') throw new SandboxApiError(404, 'NOT_FOUND', `无法找到资源 ${path}`);
    if (match.kind === 'method')
      throw new SandboxApiError(405, 'METHOD_NOT_ALLOWED', `${method} 不被允许，可用: ${match.allowed.join(', ')}`);
    const wechatpay = match.def.auth === 'wechatpay';
    if (!wechatpay) checkAdminContentType(method, req.headers);
    if (wechatpay) {
      for (const f of ctx.faults.fire('responses', path, EARLY_FAULTS)) {
        if (f.kind === 'reset') {
          req.socket.destroy();
          return;
        }
        if (f.kind === 'slow') await new Promise<void>((r) => ctx.later(f.delayMs ?? 3000, r));
        if (f.kind === '500') throw systemError();
        if (f.kind === '429') throw frequencyLimited();
      }
    }
    const routeReq = {
      method,
      target,
      path,
      query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
      params: match.params,
      headers: req.headers,
      rawBody: raw,
    };
    const signedBody = match.def.signedBody?.(routeReq) ?? raw;
    const auth = wechatpay ? authenticate(ctx, { ...routeReq, rawBody: signedBody }) : undefined;
    result = await match.def.handle({ ...routeReq, ...(auth ? { auth } : {}) }, ctx);
    signed = wechatpay && !match.def.unsignedResponse && result.status >= 200 && result.status < 300;
  } catch (err) {
    const e = err instanceof SandboxApiError ? err : systemError();
    if (!(err instanceof SandboxApiError)) onError?.(err);
    errorCode = e.code;
    result = { status: e.status, body: e.body() };
  }
  let body: Buffer =
    result.raw !== undefined
      ? Buffer.from(result.raw)
      : result.body !== undefined
        ? Buffer.from(JSON.stringify(result.body))
        : Buffer.alloc(0);
  const rid = requestId(ctx.counter, errorCode);
  const headers: Record<string, string> = {
    'Request-ID': rid,
    Date: new Date(ctx.now()).toUTCString(),
    ...result.headers,
  };
  // An oversized body is dropped (and cut off past 16x the cap), so the connection is not reused.
  if (result.status === 413) headers.Connection = 'close';
  if (body.length) headers['Content-Type'] = result.contentType ?? 'application/json; charset=utf-8';
  if (signed) {
    const serial = req.headers['wechatpay-serial'];
    const out = await signatureHeaders(
      ctx,
      body,
      chooseSigner(ctx, typeof serial === 'string' ? serial : undefined),
      ctx.faults.fire('responses', path, 'late'),
    );
    Object.assign(headers, out.headers);
    body = out.body;
  }
  headers['Content-Length'] = String(body.length);
  if (result.stream) {
    // A streamed file (bill download): no Content-Length, never signed, errors just drop the connection.
    delete headers['Content-Length'];
    headers['Content-Type'] = result.contentType ?? 'application/octet-stream';
    res.writeHead(result.status, headers);
    pipeline(result.stream, res, () => undefined);
    log?.({
      time: new Date(started).toISOString(),
      method,
      url: target,
      route,
      status: result.status,
      ms: Date.now() - started,
      requestId: rid,
    });
    return;
  }
  if (res.destroyed) return;
  res.writeHead(result.status, headers);
  res.end(body);
  log?.({
    time: new Date(started).toISOString(),
    method,
    url: target,
    route,
    status: result.status,
    ...(errorCode ? { code: errorCode } : {}),
    ms: Date.now() - started,
    requestId: rid,
  });
}
