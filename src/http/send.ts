// Sends one prepared request: logs it redacted, bounds the whole exchange by a total timeout (undici's own timeouts
// are per phase), and reads the answer within its size cap.
import type { Dispatcher } from 'undici';
import { request as undiciRequest } from './undici-lean.js';
import { formatExchange } from '../protocol/redact.js';
import { readAnswer } from './answer.js';
import type { PreparedRequest } from './client-types.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  raw: Buffer;
}

export async function sendPrepared(
  p: PreparedRequest,
  dispatcher: Dispatcher,
  timeoutMs: number,
  log: ((line: string) => void) | undefined,
): Promise<Answer> {
  const logged = typeof p.body === 'string' ? p.body : `<multipart/form-data, ${p.body.length} bytes>`;
  log?.(formatExchange(`> ${p.method} ${p.url}`, p.headers, logged).join('\n'));
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(Object.assign(new Error(`total timeout ${timeoutMs} ms`), { name: 'TimeoutError' })),
    timeoutMs,
  );
  try {
    const res = await undiciRequest(p.url, {
      method: p.method,
      headers: p.headers,
      body: p.body === '' ? null : p.body,
      dispatcher,
      signal: ac.signal,
    });
    const answer = await readAnswer(res, p.url);
    log?.(formatExchange(`< ${answer.status} ${p.method} ${p.url}`, answer.headers, answer.raw).join('\n'));
    return answer;
  } catch (err) {
    throw ac.signal.aborted ? ac.signal.reason : err;
  } finally {
    clearTimeout(timer);
  }
}
