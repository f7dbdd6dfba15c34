// V8 flags for bin/wxpay's process, set by its loader (src/code-cache.ts boot) before it compiles anything: V8 refuses
// cached code compiled under other flags, so every run writes and reads its code cache under the same ones. The
// library (wxpay/client in a long-lived process) keeps V8's defaults.
import { setFlagsFromString } from 'node:v8';

/**
 * No optimising recompile of WebAssembly in a short process. undici parses HTTP with llhttp compiled to WebAssembly
 * at the first connection; V8 compiles it with its baseline compiler (Liftoff), and under its default tiering budget
 * then recompiles llhttp's one huge state-machine function with TurboFan on a background thread: ~0.25 CPU-s and
 * ~35 MB in every command that sends a request, about half of a one-row batch's whole process, for a parser that
 * reads a few small answers before the process exits (BENCHMARKS.md, suite session 10). With a budget this large
 * (V8 counts it in roughly the bytes of code a function has executed) a function tiers up only in a process that runs
 * it very much, such as a long-lived server, not in a command that reads a few answers. Not `--liftoff-only`, which
 * did the same for a short process but is a V8 testing flag: a function Liftoff cannot compile (SIMD on a CPU
 * without SSE4.1, which undici's SIMD build of llhttp would be) then aborts the process instead of falling back to
 * TurboFan.
 */
export const NO_EAGER_WASM_TIER_UP = '--wasm-tiering-budget=1000000000';

export function setCliV8Flags(): void {
  setFlagsFromString(NO_EAGER_WASM_TIER_UP);
}
