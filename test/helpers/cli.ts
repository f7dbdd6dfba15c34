// Runs the wxpay CLI for end-to-end tests, two ways, and records what it printed for the suite-wide secrets scan.
// - runCli: in this process, through runProgram (src/cli.ts), the very path bin/wxpay takes after start-up, with a
//   Runtime built from the options (env, cwd, stdin): same output, same exit code, about 0.3 CPU-s cheaper a run.
//   It runs src/ (no build needed); spawnCli runs dist/.
// - spawnCli: the real bin/wxpay in a child process. Use it when the process itself is under test: signals, a TTY,
//   kill/crash, EPIPE, whether the process exits, the bundled start-up file, or state that only a process has.
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { inject } from 'vitest';
import { runProgram } from '../../src/cli.js';
import type { Runtime } from '../../src/runtime.js';
import { cleanEnv } from './clean-env.js';
import { binPath } from './paths.js';
import { recordOutput } from './secrets-scan.js';
import { nextTestKeyPairAsync } from './test-keys.js';

export { cleanEnv };

export interface CliResult {
  code: number | null;
  /** The signal that ended a spawned process (spawnCli only). */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when it is JSON. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
  json<T = any>(): T;
  /** stderr's {"error":{...}} when --json was given. */
  error(): { code: string; message: string; hint: string; exitCode: number; [k: string]: unknown };
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeoutMs?: number;
  /** `sandbox init` and `demo` take the committed test keys (test-keys.ts) instead of fresh 2048-bit keygens. */
  fixtureKeys?: boolean;
}

export interface SpawnOptions extends CliOptions {
  /** Sees each stdout line as it arrives, and may kill the child. */
  onLine?: (line: string, child: ChildProcess) => void;
  /** Given the child at once (e.g. to kill it after a delay). */
  onStart?: (child: ChildProcess) => void;
}

function finish(args: string[], code: number | null, stdout: string, stderr: string): CliResult {
  recordOutput(inject('artifactsDir'), `wxpay ${args.join(' ')}`, `${stdout}\n${stderr}`);
  return {
    code,
    stdout,
    stderr,
    json: () => JSON.parse(stdout),
    error: () => (JSON.parse(stderr.trim().split('\n').pop() ?? '{}') as { error: never }).error,
  };
}

/** A stream that keeps everything written to it; like a pipe to a reader that never falls behind. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `wxpay …args` in this process. Not for commands that run until a signal (serve): they would not return. */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const stdin = new PassThrough();
  if (opts.input !== undefined) stdin.end(opts.input);
  else stdin.end();
  let slept = 0;
  const rt: Runtime = {
    env: cleanEnv(opts.env),
    cwd: opts.cwd ?? process.cwd(),
    uid: process.getuid?.(),
    // stdin, stdout and stderr are pipes, as for a spawned child: no TTY.
    stdin,
    stdout: out.stream,
    stderr: err.stream,
    // Fake time for waits: rt.sleep returns at once and moves rt.now on, so `pay code` polls without real delays.
    now: () => Date.now() + slept,
    sleep: (ms) => {
      slept += ms;
      return Promise.resolve();
    },
    startedAt: Date.now(),
    // Nothing signals an in-process run, and its stdout never closes: the handlers would never be called.
    onSignal: () => () => undefined,
    onStdoutClosed: () => () => undefined,
    ...(opts.fixtureKeys ? { newRsaKeyPair: nextTestKeyPairAsync } : {}),
  };
  let timer: NodeJS.Timeout | undefined;
  const limit = opts.timeoutMs ?? 30_000;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`in-process \`wxpay ${args.join(' ')}\` still running after ${limit} ms`)),
      limit,
    );
  });
  try {
    const code = await Promise.race([runProgram(rt, [process.execPath, binPath, ...args]), timedOut]);
    return finish(args, code, out.text(), err.text());
  } finally {
    clearTimeout(timer);
  }
}

/** Spawns the real bin/wxpay (dist/: run `npm run build` after changing src/). */
export function spawnCli(args: string[], opts: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: cleanEnv(opts.env),
    });
    opts.onStart?.(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      if (!opts.onLine) return;
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) opts.onLine(l, child);
    });
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ ...finish(args, code, stdout, stderr), signal });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
