// The route table: each module in routes/ exports RouteDef[]; the server matches the raw path against them.
// `{name}` in a path is one percent-decoded segment. Bills (and anything else) plug in by adding a module.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthorizationFields } from '../protocol/canonical.js';
import type { SandboxContext } from './context.js';

export interface RouteRequest {
  method: string;
  /** The request-target exactly as received: path plus query. */
  target: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Set for `wechatpay` routes once the signature checked out. */
  auth?: AuthorizationFields;
}

export interface RouteResult {
  status: number;
  /** Serialised as compact JSON. */
  body?: unknown;
  /** Sent as is (e.g. a bill file); wins over body. */
  raw?: Buffer | string;
  /** Streamed as is, chunked (a large bill file); wins over raw and body. Never signed. */
  stream?: Readable;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. '/v3/pay/transactions/out-trade-no/{out_trade_no}' */
  path: string;
  /**
   * wechatpay: signed like the real API; admin: the /sandbox control API, no signature, JSON bodies only; ui: the
   * dashboard's pages (token cookie, Origin check, HTML forms); page: a browser page without the token (the payer).
   */
  auth: 'wechatpay' | 'admin' | 'ui' | 'page';
  /** The 2xx answer carries no Wechatpay-* signature (bill download). */
  unsignedResponse?: boolean;
  /** A larger body cap than the server's (a media upload). */
  maxBodyBytes?: number;
  /** What the request signature covers when it is not the raw body (a media upload: the `meta` JSON). */
  signedBody?(req: RouteRequest): Buffer;
  handle(req: RouteRequest, ctx: SandboxContext): RouteResult | Promise<RouteResult>;
}

interface Compiled {
  def: RouteDef;
  re: RegExp;
  names: string[];
  /** `METHOD /path/{template}`: the stats and log key, built once rather than per request. */
  route: string;
}

export type RouteMatch =
  | { kind: 'found'; def: RouteDef; params: Record<string, string>; route: string }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: readonly RouteDef[]) {
    this.compiled = routes.map((def) => {
      const names: string[] = [];
      const source = def.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { def, re: new RegExp(`^${source}$`), names, route: `${def.method} ${def.path}` };
    });
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const c of this.compiled) {
      const m = c.re.exec(path);
      if (!m) continue;
      if (c.def.method !== method) {
        allowed.push(c.def.method);
        continue;
      }
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => {
        const raw = m[i + 1]!;
        try {
          params[n] = decodeURIComponent(raw);
        } catch {
          params[n] = raw;
        }
      });
      return { kind: 'found', def: c.def, params, route: c.route };
    }
    return allowed.length ? { kind: 'method', allowed } : { kind: 'none' };
  }
}
