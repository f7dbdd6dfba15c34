// `webhook serve --forward-to`: POSTs the decrypted event to the local app with X-Wxpay-Event-Id/-Type and the
// original Wechatpay-* headers, retrying with exponential backoff. The fetch function and sleep are injectable.
export interface ForwardResult {
  ok: boolean;
  status?: number;
  attempts: number;
  error?: string;
}

export interface ForwarderOptions {
  url: string;
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export type Forward = (payload: object, headers: Record<string, string>) => Promise<ForwardResult>;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createForwarder(opts: ForwarderOptions): Forward {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const base = opts.baseDelayMs ?? 250;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const doFetch = opts.fetchImpl ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  return async (payload, headers) => {
    const body = JSON.stringify(payload);
    let last: ForwardResult = { ok: false, attempts: 0 };
    for (let i = 1; i <= attempts; i++) {
      try {
        const res = await doFetch(opts.url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        last = { ok: res.ok, status: res.status, attempts: i };
        // A 4xx other than 408/429 will not get better by retrying.
        if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)) return last;
      } catch (err) {
        last = { ok: false, attempts: i, error: (err as Error).message };
      }
      if (i < attempts) await sleep(Math.min(base * 2 ** (i - 1), 8000));
    }
    return last;
  };
}

/** The Wechatpay-* and Request-ID headers of the original callback, to pass on to the app. */
export function passOnHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith('wechatpay-') || k === 'request-id') out[k] = v;
  return out;
}
