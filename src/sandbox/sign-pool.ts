// Response signing off the event loop: a small pool of worker threads that RSA-sign for the sandbox, so the HTTP
// work of the next request overlaps the ~0.3 ms RSA-2048 sign of this one (bench/sandbox-throughput.mjs). The
// KeyObjects are handed to each worker once (never as PEM text); a worker only ever signs.
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface SignPool {
  /** Base64 SHA256withRSA of the message, exactly as core signMessage computes it. */
  sign(key: KeyObject, message: Buffer): Promise<string>;
  close(): Promise<void>;
}

// Inline (eval) so the same pool works from dist/ and from the TypeScript sources under test.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = new Map();
parentPort.on('message', (m) => {
  if (m.key) return void keys.set(m.keyId, m.key);
  let sig, error;
  try { sig = sign('sha256', m.message, keys.get(m.keyId)).toString('base64'); } catch (e) { error = String(e && e.message || e); }
  parentPort.postMessage({ id: m.id, sig, error });
});
`;

interface Slot {
  worker: Worker;
  known: Set<number>;
}

export function createSignPool(size: number): SignPool {
  const keyIds = new Map<KeyObject, number>();
  const waiting = new Map<number, { resolve: (s: string) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let turn = 0;
  let closed = false;
  const slots: Slot[] = Array.from({ length: size }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: { id: number; sig?: string; error?: string }) => {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.sig !== undefined) w?.resolve(m.sig);
      else w?.reject(new Error(`signing worker: ${m.error}`));
    });
    worker.on('error', (err) => {
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    });
    return { worker, known: new Set<number>() };
  });
  return {
    sign(key, message) {
      if (closed) return Promise.reject(new Error('signing pool is closed'));
      let keyId = keyIds.get(key);
      if (keyId === undefined) keyIds.set(key, (keyId = keyIds.size));
      const slot = slots[turn++ % slots.length]!;
      if (!slot.known.has(keyId)) {
        slot.worker.postMessage({ keyId, key });
        slot.known.add(keyId);
      }
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        slot.worker.postMessage({ id, keyId, message });
      });
    },
    async close() {
      closed = true;
      for (const w of waiting.values()) w.reject(new Error('signing pool closed'));
      waiting.clear();
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
