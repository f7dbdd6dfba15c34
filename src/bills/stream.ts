// docs/protocol.md §5 "Bills": receive a downloaded bill as a stream: (optionally) gunzip, SHA1 the uncompressed
// bytes, parse, format, and write to a temporary file next to the target. Only when the SHA1 equals the
// apply call's hash_value is the file renamed into place; on a mismatch, a broken gzip stream or any other
// failure the partial file is removed. Memory stays flat: nothing holds more than a stream chunk or a line.
import { createWriteStream, type WriteStream } from 'node:fs';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { WxpayError } from '../protocol/errors.js';
import { BillParseError } from './parse.js';
import { commitTemp, SAFE_FILE_MODE, tempPathFor } from '../files/safe-write.js';
import type { BillFormat, TypedSummary } from './writers.js';
import type { BillKind, TradeBillType } from './layout.js';
import { discard, sniffGzip, tap } from './byte-stream.js';
import { createConverter } from './convert.js';

/** Gunzipped bytes per chunk: four times zlib's default, so each chunk's fixed costs (the thread hop, a write
 *  to the file) are spread over more rows. */
const GUNZIP_CHUNK = 64 * 1024;

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

export async function receiveBill(input: ReceiveBillInput): Promise<ReceivedBill> {
  if (input.hashType && input.hashType.toUpperCase() !== 'SHA1') {
    throw new WxpayError('BILL_CORRUPT', `Unsupported bill hash_type ${input.hashType}`, {
      hint: 'Only SHA1 is defined for v3 bills; upgrade wxpay if WeChat Pay changed this.',
    });
  }
  const temp = tempPathFor(input.target);
  const file = createWriteStream(temp, { flags: 'wx', mode: SAFE_FILE_MODE });
  // Raw output keeps the bytes exactly as sent (gzip stays gzip): they are copied to the file as they
  // arrive, and the gunzipped text is hashed and parsed, then dropped.
  const raw = input.format === 'raw';
  const conv = createConverter(input.format, raw ? undefined : file);
  const { result } = conv;
  const received = tap(
    (c) => {
      result.bytesReceived += c.length;
      input.onProgress?.(result.bytesReceived);
    },
    raw ? file : undefined,
  );

  try {
    const fileFailed = failsWith(file, conv.stream);
    const { gzip, source } = await sniffGzip(input.body, input.gzip);
    const run = pipeline(
      source,
      received,
      gzip ? createGunzip({ chunkSize: GUNZIP_CHUNK }) : new PassThrough(),
      conv.stream,
    );
    await Promise.race([run, fileFailed]);
    checkConverted(input.hashValue, conv);
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
    rows: conv.parser.rows,
    ...(conv.parser.kind ? { kind: conv.parser.kind } : {}),
    ...(result.summary ? { summary: result.summary } : {}),
    totalsMismatch: result.mismatch,
  };
}

/**
 * The file is written beside the pipeline (by the raw copy or the converter): a failing file (disk full) must fail
 * it all the same, and stop it (a stage waiting for the file to drain would wait forever).
 */
function failsWith(file: WriteStream, last: Writable): Promise<never> {
  return new Promise<never>((_, reject) =>
    file.once('error', (e) => {
      last.destroy(e);
      reject(e);
    }),
  );
}

/** Only a bill whose SHA1 matches hash_value and that parsed to its end may be renamed into place. */
function checkConverted(hashValue: string, conv: ReturnType<typeof createConverter>): void {
  const digest = conv.sha1.digest('hex');
  if (digest !== hashValue.toLowerCase()) {
    throw new WxpayError('HASH_MISMATCH', `The bill's SHA1 ${digest} does not match hash_value ${hashValue}`, {
      hint: 'The download was corrupted or cut short; nothing was written. Apply again (download_url is short-lived) and retry.',
      details: { expected: hashValue, actual: digest, bytesReceived: conv.result.bytesReceived },
    });
  }
  const parseError = conv.parseError();
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
}
