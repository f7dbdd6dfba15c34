// A cap on request-body bytes held at once over all requests, on top of the per-request cap: 400 slow 1 MiB
// uploads must not hold 400 MiB. A request reserves its declared Content-Length up front (or its bytes as they
// arrive) and gives them back when its body is read or dropped; past the budget it is answered 503 at once. The
// last MiB is kept for small bodies, so big uploads cannot crowd out real callbacks (1-2 KB each).
import type { IncomingMessage } from 'node:http';
import { readCappedBody } from '../http/limits.js';

const SMALL = 64 * 1024;
const RESERVE = 1024 * 1024;

export class BodyBudget {
  held = 0;
  constructor(readonly max: number) {}

  /** Reserves `n` more bytes for a body that will then be `total` bytes; false when over budget. */
  take(n: number, total: number): boolean {
    const limit = total > SMALL ? Math.max(this.max - RESERVE, this.max / 2) : this.max;
    if (this.held + n > limit) return false;
    this.held += n;
    return true;
  }

  give(n: number): void {
    this.held -= n;
  }
}

/** The body; undefined when over `max` (413); 'busy' when the budget is spent (503). readCappedBody reads it (its
 *  rules: an oversized body is read and dropped, past 16x the cap the socket is cut) and tells each chunk's running
 *  size to the budget on its own 'data' listener. */
export function readBudgetedBody(
  req: IncomingMessage,
  max: number,
  budget: BodyBudget,
): Promise<Buffer | undefined | 'busy'> {
  const declared = Math.min(Number(req.headers['content-length'] ?? 0) || 0, max + 1);
  if (!budget.take(declared, declared)) return Promise.resolve('busy');
  let reserved = declared;
  let busy = false;
  return new Promise((resolve, reject) => {
    const done = () => {
      budget.give(reserved);
      reserved = 0;
    };
    const onData = (seen: number) => {
      const more = Math.min(seen, max + 1) - reserved;
      if (busy || more <= 0) return;
      if (budget.take(more, seen)) reserved += more;
      else {
        busy = true;
        done();
        resolve('busy');
      }
    };
    readCappedBody(req, max, onData).then(
      (b) => {
        done();
        resolve(busy ? 'busy' : b);
      },
      (e: unknown) => {
        done();
        reject(e);
      },
    );
  });
}
