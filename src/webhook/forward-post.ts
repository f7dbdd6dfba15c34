// The HTTP POST the forwarder sends each event with: node:http (node:https for an https: app) on keep-alive sockets,
// in the shape of the part of fetch the forwarder uses. fetch (undici's web streams, abort-signal plumbing and
// Response objects) was the largest single cost of a forward in `webhook serve`'s profile. Like the forwarder's
// fetch, it never follows a redirect (node:http does not) and goes straight to the app, through no proxy.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What the forwarder reads of an answer: its status, and its body drained (the socket goes back to the pool). */
export interface ForwardAnswer {
  status: number;
  ok: boolean;
  arrayBuffer(): Promise<unknown>;
}

export interface ForwardPostInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  redirect: 'manual';
  /** Aborts the attempt: its error is an AbortError, as fetch's is. */
  signal: AbortSignal;
}

/** `fetch` fits this type; tests pass a fake of it to the forwarder. */
export type ForwardPost = (url: string, init: ForwardPostInit) => Promise<ForwardAnswer>;

/** A forwarder's POST and its keep-alive pool; `close` destroys the pool's sockets (the forwarder is done). */
export interface ForwardPool {
  post: ForwardPost;
  close(): void;
}

const drain = (res: IncomingMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    res.on('error', reject);
    res.on('end', () => resolve(undefined));
    res.resume();
  });

/** A POST over its own keep-alive agents, one pool per forwarder (no module-level state: each listener, test or
 *  one-shot command owns and closes its sockets). Idle sockets of a keep-alive agent are unref'd, so even an
 *  unclosed pool keeps no process alive. The POST rejects like fetch on a network failure or an abort (the error's
 *  `code` says which). */
export function createForwardPool(): ForwardPool {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return {
    post: (url, init) => postWith(agents, url, init),
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function postWith(agents: { http: HttpAgent; https: HttpsAgent }, url: string, init: ForwardPostInit) {
  return new Promise<ForwardAnswer>((resolve, reject) => {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const headers = { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
    const options = { method: init.method, headers, signal: init.signal, agent: https ? agents.https : agents.http };
    const req = (https ? httpsRequest : httpRequest)(target, options, (res) => {
      const status = res.statusCode ?? 0;
      resolve({ status, ok: status >= 200 && status < 300, arrayBuffer: () => drain(res) });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
