// Attack tools for the hostile-input tests (issue 9). The attacks themselves (raw sockets sending malformed bytes,
// slowloris, oversized bodies; hostile-attacks.mjs) run in a worker thread, so they load the server under test the
// way another machine would instead of sharing its event loop. Also a loop of valid requests sent while an attack
// runs. Loopback only; every loop is bounded. (bench/hostile.mjs times the same attacks.)
import { Worker } from 'node:worker_threads';

export interface Exchange {
  /** The status of the first response, 0 if none came. */
  status: number;
  /** The server closed the connection (rather than our timeout). */
  closedByServer: boolean;
  ms: number;
}

export type Attack =
  | { op: 'slowloris'; port: number; connections: number; intervalMs: number; maxMs: number; bodyOnly?: boolean }
  | { op: 'oversize'; port: number; rounds: number; declared: number; streamed: number }
  | { op: 'malformed'; port: number; count: number; concurrency: number; path?: string; pipelined?: number }
  | { op: 'exchange'; port: number; bytes: number[]; timeoutMs?: number };

export interface RunningAttack<T> {
  /** What the attack saw, once it is over. */
  result: Promise<T>;
  /** Steps the attack has taken so far (index 0), shared with the worker. */
  progress: Int32Array;
  /** Lets the worker exit; call it after the timing is done (a worker's exit briefly blocks this thread). */
  stop(): Promise<void>;
}

/** Starts one attack in a worker thread. */
export function attack<T = unknown>(a: Attack): RunningAttack<T> {
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const w = new Worker(new URL('./hostile-attacks.mjs', import.meta.url), {
    workerData: { ...a, progress: progress.buffer },
  });
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  const result = new Promise<T>((resolve, reject) => {
    w.once('message', (m: T) => resolve(m));
    w.once('error', reject);
    void exited.then(() => reject(new Error('attack worker exited before reporting')));
  });
  return { result, progress, stop: () => (w.postMessage('stop'), exited) };
}

/** Sends raw bytes on one connection (from the worker) and reads until the server closes it. */
export async function exchange(port: number, bytes: string | Buffer, timeoutMs = 5_000): Promise<Exchange> {
  const a = attack<Exchange>({
    op: 'exchange',
    port,
    bytes: [...(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes)],
    timeoutMs,
  });
  try {
    return await a.result;
  } finally {
    await a.stop();
  }
}

// Atomics.waitAsync is in Node 20 (V8) but not in this project's TypeScript lib (ES2023).
type WaitAsync = { async: false } | { async: true; value: Promise<string> };
const waitAsync = (a: Int32Array, i: number, v: number): WaitAsync =>
  (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): WaitAsync }).waitAsync(a, i, v);

/** Resolves once the attack has taken `steps` steps, or is over. Event-driven: the worker notifies each step. */
async function stepsDone<T>(running: RunningAttack<T>, steps: number): Promise<void> {
  const over = running.result.then(
    () => undefined,
    () => undefined,
  );
  for (;;) {
    const seen = Atomics.load(running.progress, 0);
    if (seen >= steps) return;
    const w = waitAsync(running.progress, 0, seen);
    if (!w.async) continue;
    if ((await Promise.race([w.value, over.then(() => 'over' as const)])) === 'over') return;
  }
}

/**
 * Runs an attack while sending valid requests one at a time on a warm keep-alive connection, one after every
 * `every` steps of the attack (a trickled header line or body byte, a finished exchange: hostile-attacks.mjs counts
 * them), until it is over (at most 400); every one must get `okStatus`. Returns what the attack
 * reported. Spreading a few dozen over the whole attack covers its end as well as its start, for a fraction of the
 * CPU of sending them back to back (up to 400 of them, all in the attack's first seconds, cost ~2 CPU-s a file).
 * How fast they were answered, and the memory the attack left behind, are measured by bench/hostile.mjs, not here.
 */
export async function underAttack<T>(
  a: Attack,
  valid: () => Promise<number>,
  okStatus: number,
  every: number,
): Promise<T> {
  const { expect } = await import('vitest');
  const running = attack<T>(a);
  try {
    let over = false;
    void running.result.finally(() => (over = true));
    const statuses = [await valid()];
    while (!over && statuses.length < 400) {
      await stepsDone(running, statuses.length * every);
      if (!over) statuses.push(await valid());
    }
    expect(statuses.filter((s) => s !== okStatus)).toEqual([]);
    return await running.result;
  } finally {
    await running.stop();
  }
}
