// A bare HEAD request for the Date header of any answer (`smoke`'s clock check). Through the same proxy as the
// signed calls, so the check sees the path they take; undici's request, like the client (fetch() refuses "bad
// ports" such as 6000 that a sandbox may use). A failure is thrown as undici's error: the caller words it.
import { request } from './undici-lean.js';
import { createDispatcher, type ProxySettings } from './proxy.js';

/** The `Date` header of a HEAD to `url`, or undefined when the answer has none. */
export async function serverDate(url: string, timeoutMs: number, proxy?: ProxySettings): Promise<string | undefined> {
  const dispatcher = createDispatcher({ timeoutMs, ...(proxy ? { proxy } : {}) });
  try {
    const res = await request(url, {
      method: 'HEAD',
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'User-Agent': 'wxpay-smoke' },
    });
    await res.body.dump();
    const d = res.headers.date;
    return Array.isArray(d) ? d[0] : d;
  } finally {
    void dispatcher.close().catch(() => undefined);
  }
}
