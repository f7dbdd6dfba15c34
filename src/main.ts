// The process boundary: the only file that reads process.argv/env and calls process.exit.
// Commands throw; runProgram (cli.ts) maps every error to its documented exit code, which becomes the process's.
// Compiled code is cached between runs by bin/wxpay's loader (src/code-cache.ts), on every Node version.
import { runProgram } from './cli.js';
import type { Runtime } from './runtime.js';

// For bin/wxpay's loader (src/code-cache.ts), which caches the top-level help.
export { programHelp } from './cli.js';

const stdoutClosedHandlers = new Set<() => void>();
let stdoutClosed = false;
let stdoutGuarded = false;
/** A command stopped by Ctrl-C/SIGTERM has cleaned up what it owns; whatever else is pending must not hold the exit. */
let signalled = false;

const runtime: Runtime = {
  env: process.env,
  cwd: process.cwd(),
  // Not os.userInfo(): it throws for a uid without a passwd entry (containers), which would skip the rc ownership check.
  uid: process.getuid?.(),
  // Getters: touching process.stdin builds a ReadStream (~3 ms), which --help never needs.
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    // `wxpay … | head` closes the pipe early: stop quietly instead of crashing on an unhandled EPIPE, or tell the
    // command that asked (onStdoutClosed); later writes to the closed stream fail the same way and are dropped.
    // A flag, not listenerCount: worker threads pipe into process.stdout and bring an 'error' listener of their own.
    if (!stdoutGuarded) {
      stdoutGuarded = true;
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
        if (stdoutClosed) return; // told once; what is written afterwards is dropped
        stdoutClosed = true;
        if (!stdoutClosedHandlers.size) process.exit(process.exitCode ?? 0);
        for (const h of [...stdoutClosedHandlers]) h();
      });
    }
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  now: () => Date.now(),
  ownsProcess: true,
  // A getter: the global `performance` loads perf_hooks (~3 ms of every start); only `demo` reads this.
  get startedAt() {
    return Math.round(performance.timeOrigin);
  },
  onSignal(handler) {
    const h = (sig: NodeJS.Signals) => {
      signalled = true;
      handler(sig);
    };
    process.on('SIGINT', h);
    process.on('SIGTERM', h);
    return () => {
      process.off('SIGINT', h);
      process.off('SIGTERM', h);
    };
  },
  onStdoutClosed(handler) {
    stdoutClosedHandlers.add(handler);
    return () => void stdoutClosedHandlers.delete(handler);
  },
};

runProgram(runtime, process.argv).then(
  (code) => {
    process.exitCode = code;
    if (signalled) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`wxpay: internal error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
