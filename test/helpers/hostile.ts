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
  /** Lets the worker exit; call it after the timing is done (a worker's exit briefly blocks this thread). */
  stop(): Promise<void>;
}

/** Starts one attack in a worker thread. */
export function attack<T = unknown>(a: Attack): RunningAttack<T> {
  const w = new Worker(new URL('./hostile-attacks.mjs', import.meta.url), { workerData: a });
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  const result = new Promise<T>((resolve, reject) => {
    w.once('message', (m: T) => resolve(m));
    w.once('error', reject);
    void exited.then(() => reject(new Error('attack worker exited before reporting')));
  });
  return { result, stop: () => (w.postMessage('stop'), exited) };
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

/**
 * Runs an attack while sending valid requests one after another on a warm keep-alive connection (at most 400);
 * every one must get `okStatus`. Returns what the attack reported. How fast they were answered, and the memory
 * the attack left behind, are measured by bench/hostile.mjs, not asserted here.
 */
export async function underAttack<T>(a: Attack, valid: () => Promise<number>, okStatus: number): Promise<T> {
  const { expect } = await import('vitest');
  const running = attack<T>(a);
  try {
    let over = false;
    void running.result.finally(() => (over = true));
    const statuses = [await valid()];
    for (let i = 0; i < 400 && !over; i++) statuses.push(await valid());
    expect(statuses.filter((s) => s !== okStatus)).toEqual([]);
    return await running.result;
  } finally {
    await running.stop();
  }
}
