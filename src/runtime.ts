// What a command may touch of the outside world. main.ts builds the real one from `process`; tests and the
// demo can build their own. Core never sees this.
import type { KeyObject } from 'node:crypto';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';

export interface Runtime {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The process's uid, for the ownership check of a found rc file (undefined on Windows). */
  readonly uid?: number | undefined;
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits (a command polling WeChat Pay); absent means real time. In-process test runs pass one that moves now(). */
  sleep?(ms: number): Promise<void>;
  /** When the process started (ms since the epoch), for figures that cover the whole run. */
  readonly startedAt?: number;
  /** True only for the process's own Runtime (main.ts): a command may then change process-wide settings such as
   *  V8 flags for its run (a bill download's peak RSS). In-process runs (tests, the demo) share their process with
   *  other work and leave it unset. */
  readonly ownsProcess?: boolean;
  /** Makes the RSA key pairs of `sandbox init` and `wxpay demo`; absent (every real run) means a fresh 2048-bit
   *  keygen. In-process test runs may pass the committed test keys (test/helpers/test-keys.ts), as initSandbox's own
   *  option allows: each keygen costs ~0.14 CPU-s, and the spawned demos still make real ones. */
  readonly newRsaKeyPair?: () => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;
  /** Runs the handler on SIGINT/SIGTERM; returns a function that removes it. */
  onSignal(handler: (signal: string) => void): () => void;
  /** Runs the handler once when stdout's reader goes away (EPIPE, `| head`). While one is registered the process is
   *  not ended for it: a server keeps serving, the demo cleans up first. Returns a function that removes it. */
  onStdoutClosed?(handler: () => void): () => void;
}

/** Where temp folders go: the Runtime's TMPDIR (os.tmpdir() reads the process's, which an in-process run may not share). */
export const tempRoot = (rt: Runtime): string => rt.env.TMPDIR || os.tmpdir();

export interface GlobalOptions {
  profile?: string;
  config?: string;
  baseUrl?: string;
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
}

export interface CommandContext<O extends object = object> {
  /** Positional arguments in declaration order (a variadic one is an array). */
  readonly args: unknown[];
  /** The command's own options merged with the global ones. */
  readonly opts: O & GlobalOptions;
  readonly rt: Runtime;
  /** The commander command being run (completion walks the tree from it). */
  readonly command?: Command;
}
