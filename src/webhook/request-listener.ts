// The HTTP side of `webhook serve`: route by path (the listener's own, or /notify/<profile> with many merchants),
// POST only, read the raw body within its cap and the shared in-flight budget, then hand it to the handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeHeaders } from '../protocol/headers.js';
import { readBudgetedBody, type BodyBudget } from './body-budget.js';
import type { Incoming, Reply } from './handler.js';
import { routedProfile, type MerchantSet } from './merchants.js';

export interface ListenerDeps {
  wantPath: string;
  merchants: MerchantSet | undefined;
  maxBodyBytes: number;
  budget: BodyBudget;
  handle: (req: Incoming) => Promise<Reply>;
}

const FAIL = (message: string) => JSON.stringify({ code: 'FAIL', message });

function send(res: ServerResponse, reply: Reply, close = false): void {
  const headers: Record<string, string> = reply.body ? { 'content-type': 'application/json' } : {};
  if (close) headers.connection = 'close';
  res.writeHead(reply.status, headers).end(reply.body);
}

export function requestListener(deps: ListenerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    const profile = routedProfile(deps.merchants, url);
    if (url !== deps.wantPath && profile === undefined) {
      send(res, { status: 404, body: FAIL(`no listener at ${url}; this one is at ${deps.wantPath}`) });
      return;
    }
    if (req.method !== 'POST') {
      send(res, { status: 405, body: FAIL('callbacks are POST') });
      return;
    }
    void answer(req, res, deps, profile);
  };
}

/** Reads the body, hands it to the handler and writes the reply; one async function per callback rather than a
 *  promise chain of three (then, its async callback, catch). */
async function answer(req: IncomingMessage, res: ServerResponse, deps: ListenerDeps, profile: string | undefined) {
  const receivedAt = new Date().toISOString();
  try {
    const body = await readBudgetedBody(req, deps.maxBodyBytes, deps.budget);
    if (body === 'busy')
      return void res
        .writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1' })
        .end(FAIL('too many request bodies in flight; retry'), () => req.destroy());
    if (body === undefined) {
      send(res, { status: 413, body: FAIL(`body over ${deps.maxBodyBytes} bytes`) }, true);
      return;
    }
    send(res, await deps.handle(incomingOf(req, body, receivedAt, profile)));
  } catch {
    if (!res.headersSent) send(res, { status: 500, body: FAIL('internal error') }, true);
  }
}

function incomingOf(req: IncomingMessage, body: Buffer, receivedAt: string, profile: string | undefined): Incoming {
  // Optional fields set only when present (exactOptionalPropertyTypes), without building a spread object per callback.
  const incoming: Incoming = {
    method: 'POST',
    path: req.url ?? '/',
    headers: normalizeHeaders(req.headers),
    rawBody: body,
    receivedAt,
  };
  if (req.socket.remoteAddress) incoming.remote = req.socket.remoteAddress;
  if (profile !== undefined) incoming.profile = profile;
  return incoming;
}
