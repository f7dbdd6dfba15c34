// One request through the sandbox: count it, read the capped body, guard the Host and admin content type, fire the
// early faults, authenticate, run the route, then answer (signed for a 2xx of the signed API) and log one line.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { readCappedBody } from '../http/limits.js';
import { SandboxApiError, systemError, frequencyLimited } from './api-error.js';
import { authenticate } from './auth.js';
import type { RequestLogEntry, SandboxContext } from './context.js';
import { EARLY_FAULTS } from './faults.js';
import { buildReply, logEntry, type Outcome } from './reply.js';
import type { Router, RouteDef, RouteMatch, RouteRequest } from './router.js';
import { gateBrowser } from './ui/gate.js';
import { checkAdminContentType, checkHost, type HostRule } from './web-guard.js';

export interface HandlerEnv {
  ctx: SandboxContext;
  router: Router;
  maxBody: number;
  /** Which Host headers name this sandbox (known once it listens). */
  hosts: HostRule;
  /** The dashboard token of this process (ui/gate.ts). */
  uiToken: string;
  /** The Date header of a sandbox time (reply.ts httpDates: formatted once a second). */
  httpDate: (ms: number) => string;
  log?: (e: RequestLogEntry) => void;
  /** A bug inside a handler. */
  onError?: (err: unknown) => void;
}

/** The request line, split once: everything after the handler needs comes from here. */
interface Target {
  method: string;
  /** The request-target exactly as received. */
  target: string;
  path: string;
  query: string;
  match: RouteMatch;
  /** The stats and log key: the route template, so `/orders/1` and `/orders/2` count together. */
  route: string;
}

export async function handle(env: HandlerEnv, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const t = parseTarget(env.router, req);
  env.ctx.stats.set(t.route, (env.ctx.stats.get(t.route) ?? 0) + 1);
  env.ctx.counter += 1;
  const outcome = await runRoute(env, req, t);
  // A `reset` fault destroyed the socket: nothing to answer, nothing to log.
  if (outcome === 'reset') return;
  const { result, errorCode } = outcome;
  const reply = await buildReply(env.ctx, req, t.path, outcome, env.httpDate);
  if (result.stream) {
    // A streamed file (bill download): no Content-Length, never signed, errors just drop the connection.
    res.writeHead(result.status, reply.headers);
    pipeline(result.stream, res, () => undefined);
    env.log?.(logEntry(t, started, result.status, reply.requestId, undefined));
    return;
  }
  if (res.destroyed) return;
  res.writeHead(result.status, reply.headers);
  res.end(reply.body);
  env.log?.(logEntry(t, started, result.status, reply.requestId, errorCode));
}

function parseTarget(router: Router, req: IncomingMessage): Target {
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const match = router.match(method, path);
  const route = match.kind === 'found' ? match.route : `${method} (unmatched)`;
  return { method, target, path, query: q < 0 ? '' : target.slice(q + 1), match, route };
}

/** Runs the route; any SandboxApiError becomes its error answer, anything else a 500 SYSTEM_ERROR (and onError). */
async function runRoute(env: HandlerEnv, req: IncomingMessage, t: Target): Promise<Outcome | 'reset'> {
  try {
    const cap = (t.match.kind === 'found' ? t.match.def.maxBodyBytes : undefined) ?? env.maxBody;
    const raw = hasBody(req) ? await readCappedBody(req, cap) : NO_BODY;
    if (raw === undefined) throw new SandboxApiError(413, 'INVALID_REQUEST', `请求体超过${cap}字节`);
    checkHost(req.headers, env.hosts);
    const { def, params } = foundRoute(t);
    const wechatpay = def.auth === 'wechatpay';
    if (def.auth === 'admin') checkAdminContentType(t.method, req.headers);
    // No fault armed (the usual case): no async detour on every request.
    const faulty = wechatpay && env.ctx.faults.all().length > 0;
    if (faulty && (await fireEarlyFaults(env.ctx, req, t.path)) === 'reset') return 'reset';
    const routeReq: RouteRequest = {
      method: t.method,
      target: t.target,
      path: t.path,
      query: new URLSearchParams(t.query),
      params,
      headers: req.headers,
      rawBody: raw,
    };
    const refused = gateBrowser(def.auth, routeReq, env.hosts, env.uiToken);
    if (refused) return { result: refused, signed: false };
    if (wechatpay) {
      const signedBody = def.signedBody?.(routeReq) ?? raw;
      routeReq.auth = authenticate(env.ctx, signedBody === raw ? routeReq : { ...routeReq, rawBody: signedBody });
    }
    const result = await def.handle(routeReq, env.ctx);
    return { result, signed: wechatpay && !def.unsignedResponse && result.status >= 200 && result.status < 300 };
  } catch (err) {
    const e = err instanceof SandboxApiError ? err : systemError();
    if (!(err instanceof SandboxApiError)) env.onError?.(err);
    return { result: { status: e.status, body: e.body() }, errorCode: e.code, signed: false };
  }
}

/** An empty body, shared: nothing writes into a zero-length buffer. */
const NO_BODY = Buffer.alloc(0);

/** Neither Content-Length nor Transfer-Encoding: the request has no body (RFC 9112, section 6.3), so there is nothing to
 *  wait for (a GET query, the common signed call); node:http drains such a request itself when the answer ends. */
const hasBody = (req: IncomingMessage): boolean =>
  req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;

/** The matched route, or the 404 / 405 the real server answers. */
function foundRoute(t: Target): { def: RouteDef; params: Record<string, string> } {
  const { match } = t;
  if (match.kind === 'none') throw new SandboxApiError(404, 'NOT_FOUND', `无法找到资源 ${t.path}`);
  if (match.kind === 'method')
    throw new SandboxApiError(405, 'METHOD_NOT_ALLOWED', `${t.method} 不被允许，可用: ${match.allowed.join(', ')}`);
  return match;
}

/** Faults armed for before the answer (`sandbox fault`): drop the connection, stall, or answer 500 / 429. */
async function fireEarlyFaults(ctx: SandboxContext, req: IncomingMessage, path: string): Promise<'reset' | undefined> {
  for (const f of ctx.faults.fire('responses', path, EARLY_FAULTS)) {
    if (f.kind === 'reset') {
      req.socket.destroy();
      return 'reset';
    }
    if (f.kind === 'slow') await new Promise<void>((r) => ctx.later(f.delayMs ?? 3000, r));
    if (f.kind === '500') throw systemError();
    if (f.kind === '429') throw frequencyLimited();
  }
  return undefined;
}
