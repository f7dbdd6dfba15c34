// The receive pipeline (docs/protocol.md §5): gunzip while hashing the uncompressed bytes, write via a temp file,
// rename only when the SHA1 matches hash_value, and leave no file behind otherwise.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS } from '../../src/bills/layout.js';
import { receiveBill } from '../../src/bills/stream.js';

const row = (i: number) =>
  `\`2026-01-02 10:00:0${i % 10},\`wx1,\`1900000001,\`,\`,\`42000${i},\`T${i},\`o1,\`NATIVE,\`SUCCESS,\`OTHERS,\`CNY,\`1.00,\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`"商品,${i}",\`,\`0.00600,\`0.60%,\`1.00,\`0.00,\``;
const BILL = Buffer.from(
  `${TRADE_COLUMNS.ALL.join(',')}\r\n${[0, 1, 2].map(row).join('\r\n')}\r\n${TRADE_SUMMARY_COLUMNS.ALL.join(',')}\r\n\`3,\`3.00,\`0.00,\`0.00,\`0.01800,\`3.00,\`0.00\r\n`,
);
const SHA1 = createHash('sha1').update(BILL).digest('hex');
const dir = () => mkdtempSync(path.join(os.tmpdir(), 'wxpay-bill-'));
// Small chunks, so the pipeline sees many reads and split multi-byte characters.
const chunked = (buf: Buffer, n = 17) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += n) yield buf.subarray(i, i + n);
    })(),
  );

describe('receiveBill', () => {
  it('gunzips, checks the SHA1 of the uncompressed file, converts and renames into place', async () => {
    const d = dir();
    const target = path.join(d, 'bill.ndjson');
    const r = await receiveBill({
      body: chunked(gzipSync(BILL)),
      gzip: true,
      hashValue: SHA1.toUpperCase(),
      format: 'ndjson',
      target,
    });
    expect(r).toMatchObject({
      rows: 3,
      kind: 'trade',
      bytesUncompressed: BILL.length,
      totalsMismatch: [],
      summary: { total_count: 3, fee_total: '0.01800' },
    });
    const lines = readFileSync(target, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatchObject({ record: 'row', out_trade_no: 'T2', description: '商品,2', total: '1.00' });
    expect(readdirSync(d)).toEqual(['bill.ndjson']);
  });

  it('raw keeps the bytes as sent (gzip stays gzip) and still checks the hash', async () => {
    const d = dir();
    const gz = gzipSync(BILL);
    await receiveBill({
      body: chunked(gz, 5),
      gzip: true,
      hashValue: SHA1,
      format: 'raw',
      target: path.join(d, 'b.csv.gz'),
    });
    expect(readFileSync(path.join(d, 'b.csv.gz')).equals(gz)).toBe(true);
    await receiveBill({
      body: chunked(BILL),
      gzip: false,
      hashValue: SHA1,
      format: 'raw',
      target: path.join(d, 'b.csv'),
    });
    expect(readFileSync(path.join(d, 'b.csv')).equals(BILL)).toBe(true);
  });

  it('a corrupted download is HASH_MISMATCH and leaves no file (not even the temp file)', async () => {
    const d = dir();
    const bad = Buffer.from(BILL);
    bad[bad.length - 5] = bad[bad.length - 5]! ^ 1;
    for (const format of ['raw', 'csv', 'json', 'ndjson'] as const) {
      await expect(
        receiveBill({ body: chunked(bad), gzip: false, hashValue: SHA1, format, target: path.join(d, `x.${format}`) }),
      ).rejects.toMatchObject({ code: 'HASH_MISMATCH', exitCode: 6 });
    }
    await expect(
      receiveBill({
        body: chunked(gzipSync(BILL)),
        gzip: true,
        hashValue: '0'.repeat(40),
        format: 'json',
        target: path.join(d, 'y.json'),
      }),
    ).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    expect(readdirSync(d)).toEqual([]);
  });

  it('a broken gzip stream is BILL_CORRUPT (exit 6) and leaves no file', async () => {
    const d = dir();
    const gz = gzipSync(BILL).subarray(0, 60);
    await expect(
      receiveBill({ body: chunked(gz), gzip: true, hashValue: SHA1, format: 'csv', target: path.join(d, 'z.csv') }),
    ).rejects.toMatchObject({ code: 'BILL_CORRUPT', exitCode: 6 });
    expect(readdirSync(d)).toEqual([]);
  });

  it('a file that hashes right but does not parse is BILL_CORRUPT with the line', async () => {
    const d = dir();
    const text = Buffer.from(`${TRADE_COLUMNS.ALL.join(',')}\n\`a,\`b\n`);
    const sha = createHash('sha1').update(text).digest('hex');
    await expect(
      receiveBill({ body: chunked(text), gzip: false, hashValue: sha, format: 'csv', target: path.join(d, 'p.csv') }),
    ).rejects.toMatchObject({ code: 'BILL_CORRUPT', details: { line: 2 } });
    expect(readdirSync(d)).toEqual([]);
  });
});
