// A minimal HTTP/1.1 client for the tests that post thousands of callbacks to spawned listeners (the fleet and the
// durability tests): each request is written to a keep-alive socket as one string, and of the answer only the status
// line and Content-Length are read. node:http's ClientRequest (header validation, URL parsing, the agent's socket
// bookkeeping) and undici cost those tests' own process more CPU than the listeners' work they drive; the listener
// under test still parses every request with node:http. Not a general client: no redirects, no chunked answers (an
// answer it cannot delimit closes its socket), no TLS.
import { connect, type Socket } from 'node:net';

export interface RawRequest {
  headers: Record<string, string>;
  body: string;
}

/** Resolves the answer's status, or 0 when the connection is refused, reset or closed before a whole answer. */
export type RawPost = (req: RawRequest) => Promise<number>;

interface Conn {
  socket: Socket;
  /** The waiting request's resolver while one is in flight. */
  done?: ((status: number) => void) | undefined;
  buf: string;
}

/** The message head and body of `req` after the request line and Host (built once per request object). */
const prepared = new WeakMap<RawRequest, string>();
function headAndBody(req: RawRequest): string {
  let text = prepared.get(req);
  if (text === undefined) {
    let head = '';
    for (const [k, v] of Object.entries(req.headers))
      if (k.toLowerCase() !== 'content-length' && k.toLowerCase() !== 'host') head += `${k}: ${v}\r\n`;
    text = `${head}Content-Length: ${Buffer.byteLength(req.body)}\r\n\r\n${req.body}`;
    prepared.set(req, text);
  }
  return text;
}

/** The length of a whole answer at the start of `buf` (latin1), -1 when more is needed, or NaN when it cannot be
 *  delimited without a parser (no Content-Length on an answer that has a body). */
function answerLength(buf: string): number {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return -1;
  const head = buf.slice(0, end);
  const status = Number(head.slice(9, 12));
  const m = /\r\ncontent-length: *(\d+)/i.exec(head);
  const bodyLen = m ? Number(m[1]) : status === 204 || status === 304 ? 0 : NaN;
  return buf.length >= end + 4 + bodyLen ? end + 4 + bodyLen : Number.isNaN(bodyLen) ? NaN : -1;
}

/** A pool of at most `maxSockets` keep-alive connections to the origin of `url`, each with one request at a time. */
export function rawPoster(url: string, maxSockets: number): { post: RawPost; close(): void } {
  const { hostname, port, pathname, search } = new URL(url);
  const requestLine = `POST ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`;
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  const queue: Array<() => void> = [];

  const finish = (c: Conn, status: number, reuse: boolean) => {
    const done = c.done;
    c.done = undefined;
    c.buf = '';
    if (!reuse) {
      all.delete(c);
      c.socket.destroy();
    } else idle.push(c);
    done?.(status);
    queue.shift()?.();
  };

  const open = (): Conn => {
    const socket = connect(Number(port), hostname);
    socket.setNoDelay(true);
    const c: Conn = { socket, buf: '' };
    all.add(c);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      // Bytes with no request in flight: the connection's state is unknown, so it is not used again.
      if (!c.done) return void socket.destroy();
      c.buf += d;
      const len = answerLength(c.buf);
      if (len === -1) return;
      const status = Number(c.buf.slice(9, 12));
      const close = Number.isNaN(len) || len !== c.buf.length || /\r\nconnection: *close/i.test(c.buf.slice(0, len));
      finish(c, status, !close);
    });
    const gone = () => {
      if (!all.has(c)) return;
      all.delete(c);
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
      if (c.done) finish(c, 0, false);
    };
    socket.on('error', gone);
    socket.on('close', gone);
    return c;
  };

  const send = (req: RawRequest): Promise<number> =>
    new Promise((resolve) => {
      const c = idle.pop() ?? open();
      c.done = resolve;
      c.socket.write(requestLine + headAndBody(req));
    });

  const post: RawPost = (req) => {
    if (idle.length > 0 || all.size < maxSockets) return send(req);
    return new Promise((resolve) => queue.push(() => void send(req).then(resolve)));
  };
  return {
    post,
    close: () => {
      for (const c of all) c.socket.destroy();
    },
  };
}
