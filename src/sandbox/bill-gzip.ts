// The gzip body of a sandbox bill (issue 19). zlib deflates on the libuv pool; feeding it from the generator by
// hand, with two chunks in flight, lets the main thread write chunk k+1 while chunk k is deflated, and zlib's write
// callback says when a chunk's buffer may be reused (Readable.from says neither). The consumer's backpressure
// holds: zlib calls back only as its output is read.
import type { Readable } from 'node:stream';
import { createGzip, constants as zlib } from 'node:zlib';
import type { ChunkPool } from './bill-buffer.js';

const IN_FLIGHT = 2;

export function gzipChunks(chunks: Iterator<Buffer>, pool: ChunkPool): Readable {
  // Level 1: the sandbox should not be the bottleneck when a client's throughput is benchmarked.
  const gz = createGzip({ level: zlib.Z_BEST_SPEED, chunkSize: 64 * 1024 });
  let pending = 0;
  let ended = false;
  const pump = (): void => {
    try {
      while (pending < IN_FLIGHT && !ended && !gz.destroyed) {
        const next = chunks.next();
        if (next.done) {
          ended = true;
          gz.end();
          return;
        }
        const chunk = next.value;
        pending++;
        gz.write(chunk, (err) => {
          pending--;
          if (err) return;
          pool.give(chunk);
          pump();
        });
      }
    } catch (err) {
      gz.destroy(err as Error);
    }
  };
  // Started on the next tick: the route returns the stream before any row is written, as with Readable.from.
  process.nextTick(pump);
  return gz;
}
