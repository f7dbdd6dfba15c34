// V8 flags for bin/wxpay's process, set by its loader (src/code-cache.ts boot) before it compiles anything: V8 refuses
// cached code compiled under other flags, so every run writes and reads its code cache under the same ones. The
// library (wxpay/client in a long-lived process) keeps V8's defaults.
import { setFlagsFromString } from 'node:v8';

/**
 * WebAssembly on the baseline compiler (Liftoff) only. undici parses HTTP with llhttp compiled to WebAssembly at the
 * first connection, and V8 then recompiles llhttp's one huge state-machine function with TurboFan on a background
 * thread: ~0.25 CPU-s and ~35 MB in every command that sends a request, about half of a one-row batch's whole
 * process, for a parser that reads a few small answers before the process exits (BENCHMARKS.md, suite session 10;
 * 400 refund rows still cost less CPU with the baseline parser). A bill download set it already for its peak RSS
 * (http/lean-download.ts).
 */
export function setCliV8Flags(): void {
  setFlagsFromString('--liftoff-only');
}
