// Response signing off the event loop. node:crypto's sign with a callback runs the RSA-2048 sign (~0.3 ms, most of a
// signed answer's cost) on libuv's thread pool, so the event loop parses and routes the next request meanwhile.
// Issue 19's profile: this costs the same CPU per sign as signing inline, where the earlier worker_threads pool
// spent a further ~60 µs a sign cloning messages through MessagePorts. `size` caps the signs in flight (the thread
// pool has 4 threads and also serves fs), so a burst queues here rather than in front of the sandbox's file writes.
import type { KeyObject } from 'node:crypto';
import { signMessageLater } from '../protocol/sign.js';

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
  const settle = (job: Job, err: Error | null, sig?: string): void => {
    if (err) job.reject(new Error(`signing: ${err.message}`));
    else job.resolve(sig!);
  };
  // Callbacks, not promise chains: each sign costs the event loop one promise (the caller's), issue 19's profile.
  const start = (job: Job): void => {
    inFlight += 1;
    const finish = (err: Error | null, sig?: string): void => {
      inFlight -= 1;
      settle(job, err, sig);
      const next = queue.shift();
      if (next) start(next);
    };
    try {
      signMessageLater(job.key, job.message, finish);
    } catch (err) {
      finish(err as Error);
    }
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
