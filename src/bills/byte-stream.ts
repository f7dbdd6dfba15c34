// The byte plumbing under receiveBill: counting (and copying) the bytes as they arrive, telling gzip from text
// by its first bytes, and removing a temp file that failed.
import type { WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Readable, Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Passes chunks on after counting them and, for raw output, after writing them (with backpressure) to `copy`. */
export function tap(fn: (chunk: Buffer) => void, copy?: Writable): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      fn(chunk);
      if (!copy || copy.write(chunk)) cb(null, chunk);
      else copy.once('drain', () => cb(null, chunk));
    },
    flush(cb) {
      if (!copy) {
        cb();
        return;
      }
      finished(copy).then(() => cb(), cb);
      copy.end();
    },
  });
}

/**
 * Gzip or not is decided by the first bytes (1f 8b), not by what was asked for: a bill is CSV text, which
 * never starts that way, and a --gzip flag that disagrees with the apply call must not break the download.
 */
export async function sniffGzip(
  body: Readable | AsyncIterable<Uint8Array>,
  hint: boolean,
): Promise<{ gzip: boolean; source: Readable }> {
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const first = await it.next();
  const head = first.done ? undefined : Buffer.from(first.value);
  const gzip = head && head.length >= 2 ? head[0] === 0x1f && head[1] === 0x8b : hint;
  const rest = { [Symbol.asyncIterator]: () => it };
  const source = Readable.from(
    (async function* () {
      if (head) yield head;
      yield* rest;
    })(),
    { objectMode: false },
  );
  return { gzip, source };
}

/**
 * Closes and removes the temp file. The stream opens its file asynchronously: a download that fails at once
 * (a corrupted gzip header) reaches here before the file exists, so unlinking right away would run first and the
 * open would then leave the temp behind. Waiting for 'close' (which follows the open) makes the unlink last.
 */
export async function discard(file: WriteStream, temp: string): Promise<void> {
  if (!file.closed) {
    await new Promise<void>((resolve) => {
      file.once('close', () => resolve());
      file.destroy();
    });
  }
  await unlink(temp).catch(() => undefined);
}
