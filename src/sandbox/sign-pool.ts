// Response signing off the event loop. node:crypto's sign with a callback runs the RSA-2048 sign (~0.3 ms, most of a
// signed answer's cost) on libuv's thread pool, so the event loop parses and routes the next request meanwhile.
// Issue 19's profile: this costs the same CPU per sign as signing inline, where the earlier worker_threads pool
// spent a further ~60 µs a sign cloning messages through MessagePorts. `size` caps the signs in flight (the thread
// pool has 4 threads and also serves fs), so a burst queues here rather than in front of the sandbox's file writes.
import type { KeyObject } from 'node:crypto';
import { signMessageAsync } from '../protocol/sign.js';

export interface SignPool {
  /** Base64 SHA256withRSA of the message, exactly as core signMessage computes it. */
  sign(key: KeyObject, message: Buffer): Promise<string>;
  close(): Promise<void>;
}

interface Job {
  key: KeyObject;
  message: Buffer;
  resolve: (sig: string) => void;
  reject: (err: Error) => void;
}

export function createSignPool(size: number): SignPool {
  const queue: Job[] = [];
  let inFlight = 0;
  let closed = false;
  const start = (job: Job): void => {
    inFlight += 1;
    signMessageAsync(job.key, job.message)
      .then(job.resolve, (err: unknown) => job.reject(new Error(`signing: ${(err as Error).message}`)))
      .finally(() => {
        inFlight -= 1;
        const next = queue.shift();
        if (next) start(next);
      });
  };
  return {
    sign(key, message) {
      if (closed) return Promise.reject(new Error('signing pool is closed'));
      return new Promise<string>((resolve, reject) => {
        const job = { key, message, resolve, reject };
        if (inFlight < size) start(job);
        else queue.push(job);
      });
    },
    close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('signing pool closed'));
      return Promise.resolve();
    },
  };
}
