// The two parts of undici wxpay uses, loaded without undici's index: the index requires all of undici (fetch,
// WebSocket, EventSource, the cache and cookie stores, the mock agents) at once, and that was ~0.12 CPU-s of every
// command that calls the API, `wxpay demo` included, before it sent a byte (BENCHMARKS.md, suite session 8).
// `request` does what the index's `request(url, opts)` does for the calls wxpay makes: a URL and options, on the
// given dispatcher or the global one, through this undici's own request code (a dispatcher from another copy of undici
// needs only `dispatch`). test/unit/undici-lean.test.ts holds it to the index's behaviour, and a spawned `wxpay` in
// test/e2e/proxy.test.ts (a process that never loads the index) goes through a proxy. These are undici's internal
// files, not its public API: package.json pins undici's exact version, so an install cannot get another layout. The
// CLI's bundles take these files from one bundle of their own, dist/bundle/undici.cjs (scripts/bundle-cli.mjs).
import type { Dispatcher, EnvHttpProxyAgent } from 'undici';
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import { getGlobalDispatcher } from 'undici/lib/global.js';
import { parseURL } from 'undici/lib/core/util.js';

// What undici's index does before anything else: every dispatcher gets request, stream, pipeline, upgrade and
// connect. The proxy agent opens its CONNECT tunnel with `client.connect(...)`, so without this a proxied request
// fails with "this[kClient].connect is not a function" (test/e2e/proxy.test.ts).
Object.assign(DispatcherClass.prototype, api);

/** undici's EnvHttpProxyAgent (typed as the index's, so no declaration of this file names undici's lib/). */
export function envHttpProxyAgent(opts: EnvHttpProxyAgent.Options): Dispatcher {
  return new EnvHttpProxyAgentClass(opts);
}

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Dispatcher.HttpMethod;
  dispatcher?: Dispatcher;
};

/** undici's `request(url, opts)`: GET unless a method is given, on `opts.dispatcher` or undici's global one. */
export function request(url: string | URL, opts: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
  const { dispatcher = getGlobalDispatcher(), ...rest } = opts;
  const u = parseURL(url);
  return api.request.call(dispatcher, {
    ...rest,
    origin: u.origin,
    path: `${u.pathname}${u.search}`,
    method: opts.method ?? (opts.body ? 'PUT' : 'GET'),
  });
}
