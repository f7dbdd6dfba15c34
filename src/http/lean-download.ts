// Peak RSS of a bill download (issue 19). Two costs dominated it, neither of them the bill's own data:
// - undici parses HTTP with llhttp compiled to WebAssembly on the first connection. V8 compiles it with its baseline
//   compiler (Liftoff), then recompiles the hot functions with TurboFan in the background; for llhttp's one huge
//   state-machine function that optimising compile alone took about 35 MB and 0.25 CPU-s (a 2,000-row bill peaked
//   at 103 MB with it, 68 MB without). A download's body passes through llhttp as one span per chunk, so the
//   optimised parser buys nothing measurable there. A tiering budget too large to reach stops that recompile (not
//   `--liftoff-only`, a V8 testing flag that aborts the process where Liftoff cannot compile a function; see
//   src/v8-flags.ts).
// - gunzip hands out a new 64 KB ArrayBuffer per chunk. The converter allocates almost nothing on the JS heap, so
//   young-generation collections are rare and those buffers are freed only when V8's external-memory limit forces
//   a collection: 20-35 MB of dead buffers at any time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NO_EAGER_WASM_TIER_UP } from '../v8-flags.js';

/** Bytes received (compressed) between two young-generation collections: about 2-5 MB of gunzipped text. */
const NUDGE_EVERY = 512 * 1024;

/**
 * For a process that is about to stream a large download, before its first request: keeps WebAssembly on the
 * baseline compiler (the budget is read when a function would tier up, and llhttp is compiled lazily) and lets V8
 * favour memory over speed. Returns a progress callback that runs a young-generation collection every NUDGE_EVERY
 * bytes, so the gunzipped chunks already consumed are freed while they are young (a minor GC of a small heap is well
 * under a millisecond). `gc` comes from a fresh vm context, so the program's own global object never gains one.
 */
export function leanDownload(): (bytesReceived: number) => void {
  // V8 refuses cached code compiled under other flags: bin/wxpay's code-cache loader (src/code-cache.ts) saves what
  // this run compiled before the flags change, and nothing after.
  (globalThis as Record<symbol, (() => void) | undefined>)[Symbol.for('wxpay.beforeV8FlagsChange')]?.();
  setFlagsFromString(NO_EAGER_WASM_TIER_UP); // bin/wxpay's loader has set it already; the library has not
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (opts: { type: 'minor' }) => void;
  return nudger(NUDGE_EVERY, () => gc({ type: 'minor' }));
}

/** Calls `collect` each time `every` more bytes have been received. */
export function nudger(every: number, collect: () => void): (bytesReceived: number) => void {
  let next = every;
  return (bytes) => {
    if (bytes < next) return;
    next = bytes + every;
    collect();
  };
}
