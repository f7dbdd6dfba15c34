// Types for the files of undici that src/http/undici-lean.ts loads instead of undici's index (which has no
// types of its own for them): the same classes and function the index exports.
declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import type { EnvHttpProxyAgent } from 'undici';
  const Agent: typeof EnvHttpProxyAgent;
  export default Agent;
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  /** The base class of every dispatcher (Client, Pool, Agent, the proxy agents). */
  const Dispatcher: { prototype: object };
  export default Dispatcher;
}

declare module 'undici/lib/api/index.js' {
  import type { Dispatcher } from 'undici';
  /** request, stream, pipeline, upgrade and connect: what the index assigns to Dispatcher.prototype. */
  const api: {
    /** Dispatcher.request, called with the dispatcher as `this` (it needs only its `dispatch`). */
    request(this: Dispatcher, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
    [name: string]: unknown;
  };
  export default api;
}

declare module 'undici/lib/core/util.js' {
  /** Throws undici's InvalidArgumentError for anything but an http: or https: URL. */
  export function parseURL(url: string | URL): URL;
}

declare module 'undici/lib/global.js' {
  import type { Dispatcher } from 'undici';
  export function getGlobalDispatcher(): Dispatcher;
}
