// The timeouts and body cap of wxpay's two HTTP servers (`webhook serve`, `sandbox serve`), set explicitly
// instead of Node's defaults (headers 60 s, whole request 300 s, both checked only every 30 s): a client that
// trickles its headers (slowloris) or its body is cut off on time, and an oversized body is never buffered.
// Pure: it only computes options; each server applies them. Tests shorten them through the servers' options.
import type { IncomingMessage, Server, ServerOptions } from 'node:http';

export interface HttpLimits {
  /** Time to receive the request line and headers. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Largest body read into memory; a larger one is answered 413. */
  maxBodyBytes: number;
  /** How often Node enforces the two timeouts above (its own default, 30 s, would let them overrun). */
  checkIntervalMs: number;
}

/** Fills `over` from `defaults`; the headers timeout never exceeds the request timeout (Node refuses that). */
export function resolveHttpLimits(
  defaults: HttpLimits,
  over: { [K in keyof HttpLimits]?: number | undefined } = {},
): HttpLimits {
  const l: HttpLimits = {
    ...defaults,
    ...Object.fromEntries(Object.entries<number | undefined>(over).filter(([, v]) => v !== undefined)),
  };
  for (const [k, v] of Object.entries(l)) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${k} must be a positive number, got ${v}`);
  }
  return { ...l, headersTimeoutMs: Math.min(l.headersTimeoutMs, l.requestTimeoutMs) };
}

/** The options for http.createServer. */
export function httpServerOptions(l: HttpLimits): ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: l.checkIntervalMs,
  };
}

/** Sets the same limits on a created server (the property form also works on Node versions that ignore an option). */
export function applyHttpLimits(server: Server, l: HttpLimits): void {
  server.headersTimeout = l.headersTimeoutMs;
  server.requestTimeout = l.requestTimeoutMs;
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  // Node's headers timeout starts with the first byte: a connection that sends nothing would be held forever,
  // and a few hundred of them fill the connection cap. Such a connection gets the headers timeout too.
  server.on('connection', (socket) => {
    const timer = setTimeout(() => socket.bytesRead === 0 && socket.destroy(), l.headersTimeoutMs).unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

/** The body, or undefined when it is over `max` (declared or streamed). An oversized body is read and dropped, not
 *  buffered: answering before the client finished sending makes many clients see a reset instead of the 413, and a
 *  paused request would hold its socket until the request timeout. Past 16x the cap the socket is cut. `onData`
 *  sees the bytes read so far after each chunk (the listener's body budget), on this reader's one 'data' listener. */
export function readCappedBody(
  req: IncomingMessage,
  max: number,
  onData?: (size: number) => void,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number(req.headers['content-length'] ?? 0) > max;
    req.on('data', (c: Buffer) => {
      size += c.length;
      onData?.(size);
      if (size > 16 * max) return req.destroy();
      if (size > max) over = true;
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    // Cut off (destroyed above, or by a timeout) before 'end': settle, so nothing waits on a dead request.
    req.on('close', () => resolve(undefined));
    req.on('error', reject);
  });
}
