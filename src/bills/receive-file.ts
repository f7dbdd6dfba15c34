// A downloaded file checked by its hash instead of a signature (a transfer receipt, docs/protocol.md §12): streamed
// through the digest into a 0600 temp file beside the target, renamed into place only when the digest equals the
// expected hash_value. On a mismatch or any failure the temp file is removed and the target is left untouched.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WxpayError } from '../protocol/errors.js';
import { commitTemp, refuseSymlink, SAFE_FILE_MODE, tempPathFor } from '../files/safe-write.js';

export interface ReceiveFileInput {
  body: Readable | AsyncIterable<Uint8Array>;
  /** SHA256 or SM3 as WeChat Pay names it; only SHA256 is checked here. */
  hashType: string;
  /** Hex, either case. */
  hashValue: string;
  target: string;
}

export interface ReceivedFile {
  target: string;
  bytes: number;
  /** Upper-case hex, as WeChat Pay writes it. */
  hash: string;
}

export async function receiveHashedFile(input: ReceiveFileInput): Promise<ReceivedFile> {
  if (input.hashType.toUpperCase() !== 'SHA256') {
    throw new WxpayError('DECRYPT_UNSUPPORTED', `Cannot check a ${input.hashType} digest`, {
      hint: 'wxpay checks SHA256 receipts; an SM3 receipt comes only to merchants on the national-crypto suite.',
    });
  }
  await refuseSymlink(input.target);
  const temp = tempPathFor(input.target);
  const digest = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      digest.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(input.body, tap, createWriteStream(temp, { flags: 'wx', mode: SAFE_FILE_MODE }));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  const hash = digest.digest('hex').toUpperCase();
  if (hash !== input.hashValue.toUpperCase()) {
    await unlink(temp).catch(() => undefined);
    throw new WxpayError('HASH_MISMATCH', `The downloaded file's SHA256 ${hash} differs from hash_value`, {
      hint: 'Nothing was written. Query the receipt again for a fresh download_url and retry; report it if it repeats.',
      details: { expected: input.hashValue.toUpperCase(), got: hash },
    });
  }
  await commitTemp(temp, input.target);
  return { target: input.target, bytes, hash };
}
