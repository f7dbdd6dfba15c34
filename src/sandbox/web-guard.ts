// The sandbox refuses the web (issue 12). Its /sandbox control API has no authentication, so a web page the
// developer happens to open must not be able to drive it or read it:
// - Host: a DNS-rebinding page (attacker.example re-resolved to 127.0.0.1) reaches the socket, but its requests
//   carry `Host: attacker.example:<port>`. Only names of this sandbox pass: the listening address, `localhost`,
//   `127.0.0.1` and `[::1]` (an IP literal cannot be rebound), each with the listening port (a missing port is
//   accepted only on 80, the one port browsers leave out). Bound to all interfaces (0.0.0.0 or ::), any IP literal
//   with the port passes too, since other machines reach it by address. Anything else, or no Host, gets 403.
// - Admin POSTs need `Content-Type: application/json`. A cross-site form or fetch without a CORS preflight can only
//   send text/plain, form-urlencoded or multipart, and the sandbox approves no preflight (it sends no CORS headers
//   at all), so a page cannot pay an order, set a fault or rotate keys. Admin DELETEs are always preflighted.
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { SandboxApiError } from './api-error.js';

export interface HostRule {
  names: ReadonlySet<string>;
  port: number;
  anyAddress: boolean;
}

export function hostRule(listenHost: string, port: number): HostRule {
  const listen = listenHost.toLowerCase();
  const names = new Set([isIP(listen) === 6 ? `[${listen}]` : listen, 'localhost', '127.0.0.1', '[::1]']);
  return { names, port, anyAddress: listen === '0.0.0.0' || listen === '::' };
}

/** Splits `name[:port]` (IPv6 in brackets); undefined when malformed. */
function splitHost(host: string): { name: string; port?: number } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.toLowerCase());
  if (!m) return undefined;
  return { name: m[1]!, ...(m[2] !== undefined ? { port: Number(m[2]) } : {}) };
}

export function hostAllowed(header: string | undefined, rule: HostRule): boolean {
  const h = header ? splitHost(header) : undefined;
  if (!h) return false;
  if ((h.port ?? 80) !== rule.port) return false;
  if (rule.names.has(h.name)) return true;
  return rule.anyAddress && isIP(h.name.replace(/^\[(.*)\]$/, '$1')) !== 0;
}

export function checkHost(headers: IncomingHttpHeaders, rule: HostRule): void {
  if (hostAllowed(headers.host, rule)) return;
  throw new SandboxApiError(
    403,
    'HOST_NOT_ALLOWED',
    `Host must name this sandbox: 127.0.0.1:${rule.port}, localhost:${rule.port} or the address it listens on (requests through another name, as in DNS rebinding, are refused)`,
  );
}

/** Admin POSTs: the media type must be application/json (parameters such as charset and any case allowed). */
export function checkAdminContentType(method: string, headers: IncomingHttpHeaders): void {
  if (method !== 'POST') return;
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return;
  throw new SandboxApiError(
    415,
    'INVALID_REQUEST',
    'The /sandbox control API takes Content-Type: application/json (cross-site form posts are refused)',
  );
}
