// V8 flags for bin/wxpay's process, set by its loader (src/code-cache.ts boot) before it compiles anything: V8 refuses
// cached code compiled under other flags, so every run writes and reads its code cache under the same ones (a run
// without them has cache files of its own). V8 flags given in NODE_OPTIONS change them too: such runs find their
// cache refused and write it again. The library (wxpay/client in a long-lived process) keeps V8's defaults.

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

/**
 * The commands that never open an HTTP connection, by their words on the command line: their runs leave V8's flags
 * alone. Loading node:v8 to set one brings its heap-snapshot streams with it, ~4.6 ms of a 90 ms `wxpay sign`
 * (BENCHMARKS.md, cold start, session 13). Leaving a command out costs only that; listing one that sends costs it
 * ~0.25 CPU-s of background compiling, never a wrong result. test/e2e/code-cache-flags.test.ts checks that none of
 * these commands' bundles loads undici.
 */
export const OFFLINE_COMMANDS: readonly (readonly string[])[] = [
  ['sign'],
  ['paysign'],
  ['notify', 'verify'],
  ['notify', 'decrypt'],
  ['completion'],
  ['config'],
  ['help'],
  ['--help'],
  ['-h'],
  ['--version'],
  ['-V'],
];

/** Whether the run of `args` (argv after the script) needs the flags: all but the offline commands above. A leading
 *  option (`--profile x sign`) counts as needing them: the loader does not parse options. */
function runNeedsV8Flags(args: readonly string[]): boolean {
  return !OFFLINE_COMMANDS.some((words) => words.every((w, i) => args[i] === w));
}

/** Sets the CLI's flags for the run of `args` unless it is offline, and names the flag set in force for the code
 *  cache's file names. node:v8 is loaded only here, by the runs that need it. */
export function setCliV8Flags(args: readonly string[]): string {
  if (!runNeedsV8Flags(args)) return 'v8-defaults';
  process.getBuiltinModule('node:v8').setFlagsFromString(NO_EAGER_WASM_TIER_UP);
  return 'wasm-lazy';
}
