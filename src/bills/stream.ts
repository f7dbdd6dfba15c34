// docs/protocol.md §5 "Bills": receive a downloaded bill as a stream: (optionally) gunzip, SHA1 the uncompressed
// bytes, parse, format, and write to a temporary file next to the target. Only when the SHA1 equals the
// apply call's hash_value is the file renamed into place; on a mismatch, a broken gzip stream or any other
// failure the partial file is removed. Memory stays flat: nothing holds more than a stream chunk or a line.
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { WxpayError } from '../protocol/errors.js';
import { BillParser, BillParseError } from './parse.js';
import { BillTotals } from './totals.js';
import { commitTemp, SAFE_FILE_MODE, tempPathFor } from '../files/safe-write.js';
import { createFormatter, typedSummary, type BillFormat, type TypedSummary } from './writers.js';
import type { BillKind, TradeBillType } from './layout.js';

export interface ReceiveBillInput {
  body: Readable | AsyncIterable<Uint8Array>;
  /** What was asked for; the first bytes decide (see sniffGzip). */
  gzip: boolean;
  /** hash_value from the apply call: SHA1 (hex) of the uncompressed file. */
  hashValue: string;
  hashType?: string;
  format: BillFormat;
  /** The final path; a sibling temporary file is written first. */
  target: string;
  onProgress?: (bytesReceived: number) => void;
}

export interface ReceivedBill {
  target: string;
  sha1: string;
  bytesReceived: number;
  bytesUncompressed: number;
  rows: number;
  kind?: BillKind;
  tradeType?: TradeBillType;
  summary?: TypedSummary;
  /** Summary fields that differ from the sum of the rows ([] for a consistent bill). */
  totalsMismatch: Array<{ key: string; file: string; rows: string }>;
}

/** Passes chunks on after counting them and, for raw output, after writing them (with backpressure) to `copy`. */
function tap(fn: (chunk: Buffer) => void, copy?: Writable): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      fn(chunk);
      if (!copy || copy.write(chunk)) cb(null, chunk);
      else copy.once('drain', () => cb(null, chunk));
    },
    flush(cb) {
      if (!copy) return cb();
      finished(copy).then(() => cb(), cb);
      copy.end();
    },
  });
}

/**
 * Gzip or not is decided by the first bytes (1f 8b), not by what was asked for: a bill is CSV text, which
 * never starts that way, and a --gzip flag that disagrees with the apply call must not break the download.
 */
async function sniffGzip(body: ReceiveBillInput['body'], hint: boolean): Promise<{ gzip: boolean; source: Readable }> {
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

export async function receiveBill(input: ReceiveBillInput): Promise<ReceivedBill> {
  if (input.hashType && input.hashType.toUpperCase() !== 'SHA1') {
    throw new WxpayError('BILL_CORRUPT', `Unsupported bill hash_type ${input.hashType}`, {
      hint: 'Only SHA1 is defined for v3 bills; upgrade wxpay if WeChat Pay changed this.',
    });
  }
  const temp = tempPathFor(input.target);
  const sha1 = createHash('sha1');
  const parser = new BillParser();
  const totals = new BillTotals();
  const decoder = new StringDecoder('utf8');
  const formatter = input.format === 'raw' ? undefined : createFormatter(input.format);
  const result = {
    bytesReceived: 0,
    bytesUncompressed: 0,
    summary: undefined as TypedSummary | undefined,
    mismatch: [] as ReceivedBill['totalsMismatch'],
  };
  let parseError: unknown;
  const file = createWriteStream(temp, { flags: 'wx', mode: SAFE_FILE_MODE });

  // Parses (and, unless raw, formats) the uncompressed text. A parse error stops parsing but not hashing,
  // so a corrupted download is reported as a hash mismatch rather than as a confusing parse error.
  const handle = (text: string, final: boolean): string => {
    if (parseError) return '';
    try {
      const records = [...parser.push(text), ...(final ? parser.end() : [])];
      for (const r of records) {
        if (r.type === 'header') totals.header(r.columns);
        else if (r.type === 'row') totals.add(r.values);
        else {
          result.summary = typedSummary(r.columns, r.values);
          result.mismatch = totals.mismatches(r.columns, r.values);
        }
      }
      return formatter ? formatter.push(records) + (final ? formatter.finish() : '') : '';
    } catch (e) {
      parseError = e;
      return '';
    }
  };
  const convert = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      result.bytesUncompressed += chunk.length;
      sha1.update(chunk);
      const out = handle(decoder.write(chunk), false);
      cb(null, out || undefined);
    },
    flush(cb) {
      const out = handle(decoder.end(), true);
      cb(null, out || undefined);
    },
  });
  // Raw output keeps the bytes exactly as sent (gzip stays gzip): they are copied to the file as they
  // arrive, and the gunzipped text is hashed and parsed, then dropped.
  const raw = input.format === 'raw';
  const received = tap(
    (c) => {
      result.bytesReceived += c.length;
      input.onProgress?.(result.bytesReceived);
    },
    raw ? file : undefined,
  );
  const sink = raw ? new Writable({ write: (_c, _e, cb) => cb() }) : file;

  try {
    // A failing file (disk full) must fail the pipeline even when it is only the raw copy's target.
    const fileFailed = raw ? new Promise<never>((_, reject) => file.once('error', reject)) : undefined;
    const { gzip, source } = await sniffGzip(input.body, input.gzip);
    const run = pipeline(source, received, gzip ? createGunzip() : new PassThrough(), convert, sink);
    await (fileFailed ? Promise.race([run, fileFailed]) : run);
    const digest = sha1.digest('hex');
    if (digest !== input.hashValue.toLowerCase()) {
      throw new WxpayError('HASH_MISMATCH', `The bill's SHA1 ${digest} does not match hash_value ${input.hashValue}`, {
        hint: 'The download was corrupted or cut short; nothing was written. Apply again (download_url is short-lived) and retry.',
        details: { expected: input.hashValue, actual: digest, bytesReceived: result.bytesReceived },
      });
    }
    if (parseError) {
      const line = parseError instanceof BillParseError ? parseError.line : undefined;
      throw new WxpayError(
        'BILL_CORRUPT',
        `The bill passed its SHA1 check but cannot be parsed: ${(parseError as Error).message}`,
        {
          cause: parseError,
          hint: 'Save it unchanged with --format raw and inspect that line; report the layout if WeChat Pay changed it.',
          ...(line ? { details: { line } } : {}),
        },
      );
    }
    await commitTemp(temp, input.target);
  } catch (e) {
    await discard(file, temp);
    if (e instanceof WxpayError) throw e;
    if ((e as { code?: string }).code?.startsWith('Z_')) {
      throw new WxpayError('BILL_CORRUPT', `The bill is not a valid gzip stream: ${(e as Error).message}`, {
        cause: e,
        hint: 'The download was corrupted or cut short; nothing was written. Apply again and retry, or try without --gzip.',
      });
    }
    throw e;
  }
  return {
    target: input.target,
    sha1: input.hashValue.toLowerCase(),
    bytesReceived: result.bytesReceived,
    bytesUncompressed: result.bytesUncompressed,
    rows: parser.rows,
    ...(parser.kind ? { kind: parser.kind } : {}),
    ...(result.summary ? { summary: result.summary } : {}),
    totalsMismatch: result.mismatch,
  };
}

/**
 * Closes and removes the temp file. The stream opens its file asynchronously: a download that fails at once
 * (a corrupted gzip header) reaches here before the file exists, so unlinking right away would run first and the
 * open would then leave the temp behind. Waiting for 'close' (which follows the open) makes the unlink last.
 */
async function discard(file: WriteStream, temp: string): Promise<void> {
  if (!file.closed) {
    await new Promise<void>((resolve) => {
      file.once('close', () => resolve());
      file.destroy();
    });
  }
  await unlink(temp).catch(() => undefined);
}
