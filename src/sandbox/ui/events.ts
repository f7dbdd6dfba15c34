// GET /sandbox/ui/events: Server-Sent Events for the dashboard's live updates. Each change of the sandbox (state
// saved, a notification attempt, a fault, the clock, a key) becomes one `change` event, at most one per 200 ms so
// a burst (a batch of 1,000 orders) is one page refresh; a comment every 15 s keeps proxies and the browser awake.
import { PassThrough } from 'node:stream';
import type { SandboxContext } from '../context.js';
import type { RouteResult } from '../router.js';
import { PAGE_HEADERS } from './layout.js';

const COALESCE_MS = 200;
const HEARTBEAT_MS = 15_000;

export function eventStream(ctx: SandboxContext): RouteResult {
  const stream = new PassThrough();
  let seq = 0;
  let pending: NodeJS.Timeout | undefined;
  const off = ctx.state.changes.on(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      seq += 1;
      stream.write(`event: change\nid: ${seq}\ndata: ${seq}\n\n`);
    }, COALESCE_MS);
  });
  const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
  // The browser left (or the sandbox closed its connections): the pipe destroys the stream.
  stream.on('close', () => {
    off();
    clearTimeout(pending);
    clearInterval(heartbeat);
  });
  stream.write('retry: 2000\n\n');
  return {
    status: 200,
    stream,
    contentType: 'text/event-stream; charset=utf-8',
    headers: { ...PAGE_HEADERS, 'X-Accel-Buffering': 'no' },
  };
}
