// `webhook serve`'s live lines (NDJSON events with --json), written together once per tick. A group commit answers
// the callbacks its fsync covered all at once, and stdout to a pipe or a file is written synchronously: corking it
// until the tick ends turns their lines into one system call instead of one each.
import type { Writable } from 'node:stream';
import type { Output } from '../render.js';
import { formatLive, type LiveEvent } from '../webhook/live-line.js';

export function liveLinePrinter(out: Output, stdout: Writable): (e: LiveEvent) => void {
  let corked = false;
  return (e) => {
    if (!corked) {
      corked = true;
      stdout.cork();
      process.nextTick(() => {
        corked = false;
        stdout.uncork();
      });
    }
    if (out.json) out.event({ type: 'event', ...e });
    else out.line(formatLive(e));
  };
}
