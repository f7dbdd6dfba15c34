// The HTTP dispatcher every WeChat Pay call goes through: undici's EnvHttpProxyAgent, so HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY work as in curl and most tools (lower-case names first, as undici reads them). The settings are
// passed in explicitly (core never reads process.env). Loopback is never proxied, whatever NO_PROXY says: CI
// machines often export a proxy for the internet, and the local sandbox must stay reachable behind it.
import type { Dispatcher } from 'undici';
import { envHttpProxyAgent } from './undici-lean.js';

export interface ProxySettings {
  httpProxy?: { url: string; from: string };
  httpsProxy?: { url: string; from: string };
  noProxy?: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** The proxy variables, from an environment given by the caller; an empty value counts as unset. */
export function proxyFromEnv(env: Readonly<Record<string, string | undefined>>): ProxySettings {
  const first = (...names: string[]) => {
    const name = names.find((n) => env[n]);
    return name ? { url: env[name]!, from: name } : undefined;
  };
  const httpProxy = first('http_proxy', 'HTTP_PROXY');
  const httpsProxy = first('https_proxy', 'HTTPS_PROXY');
  const noProxy = env.no_proxy || env.NO_PROXY;
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

export interface DispatcherOptions {
  connectTimeoutMs?: number;
  timeoutMs: number;
  proxy?: ProxySettings;
}

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const p = opts.proxy ?? {};
  return envHttpProxyAgent({
    connect: { timeout: opts.connectTimeoutMs ?? 5_000 },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 1_000,
    // Empty strings, never undefined: undefined would make undici read process.env behind the caller's back.
    httpProxy: p.httpProxy?.url ?? '',
    httpsProxy: p.httpsProxy?.url ?? '',
    noProxy: p.noProxy?.trim() === '*' ? '*' : [p.noProxy, ...LOOPBACK].filter(Boolean).join(','),
  });
}

/** The proxy a request to `url` goes through (undici's rules), for --verbose; credentials masked. */
export function describeProxy(url: string, proxy: ProxySettings): string {
  const target = new URL(url);
  const chosen = target.protocol === 'https:' ? (proxy.httpsProxy ?? proxy.httpProxy) : proxy.httpProxy;
  if (!chosen || bypassed(target, proxy.noProxy)) return `proxy: none for ${target.origin}`;
  return `proxy: ${maskCredentials(chosen.url)} (${chosen.from}) for ${target.origin}`;
}

function bypassed(target: URL, noProxy: string | undefined): boolean {
  const host = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  if (noProxy?.trim() === '*') return true;
  return [...(noProxy ?? '').split(/[,\s]/), ...LOOPBACK].some((entry) => {
    if (!entry) return false;
    const m = /^(.+):(\d+)$/.exec(entry);
    if (m && Number(m[2]) !== port) return false;
    const name = (m ? m[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    return host === name || host.endsWith(`.${name}`);
  });
}

function maskCredentials(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable proxy URL)';
  }
}
