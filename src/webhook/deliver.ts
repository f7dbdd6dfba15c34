// Sends one callback (headers + exact body bytes) to a receiver, as WeChat Pay would: used by `notify trigger`
// and `notify replay`. Hop-by-hop and length headers are left to the HTTP stack; everything else is sent as is.
import { WxpayError } from '../protocol/errors.js';

export interface Delivery {
  status: number;
  body: string;
  ok: boolean;
}

const SKIP = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'expect',
  'upgrade',
  'te',
  'trailer',
]);

export async function deliver(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  timeoutMs = 5000,
): Promise<Delivery> {
  const send: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!SKIP.has(k.toLowerCase())) send[k] = v;
  try {
    // A redirect is the receiver's answer, not a new destination: callbacks are never re-sent elsewhere.
    const res = await fetch(url, {
      method: 'POST',
      headers: send,
      body: typeof body === 'string' ? body : new Uint8Array(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text, ok: res.ok };
  } catch (cause) {
    const timeout = (cause as Error).name === 'TimeoutError';
    throw new WxpayError(
      timeout ? 'TIMEOUT' : 'NETWORK',
      `${timeout ? 'No answer within ' + timeoutMs + ' ms from' : 'Cannot reach'} ${url}: ${(cause as Error).message}`,
      {
        cause,
        hint: 'Is the receiver running (e.g. `wxpay webhook serve`)? Check host, port and path. WeChat Pay itself waits 5 s.',
      },
    );
  }
}
