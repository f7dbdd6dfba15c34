// Issue 13: the one NDJSON journal module (src/journal/), used by the batch and webhook journals.
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync, type writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/batch/journal.js';
import { openAppendJournal, writeAllSync } from '../../src/journal/append.js';
import { rotatedFiles, scanJournal, type JournalLine } from '../../src/journal/lines.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'wxpay-journal-'));
const collect = async (file: string) => {
  const got: Array<Omit<JournalLine, 'bytes'> & { text: string }> = [];
  const r = await scanJournal(file, (l) =>
    got.push({ file: l.file, lineNo: l.lineNo, offset: l.offset, text: l.bytes.toString() }),
  );
  return { got, r };
};

describe('journal module', () => {
  it('cuts a torn last line on open, reports it, and appends on a line of its own', async () => {
    const file = path.join(tmp(), 'j.ndjson');
    writeFileSync(file, '{"a":1}\n{"b":');
    const j = await openAppendJournal(file);
    expect(j.cutBytes).toBe(5);
    await j.append({ c: 3 });
    await j.close();
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"c":3}\n');
  });

  it('creates the file 0600 and never writes through a symlink', async () => {
    const d = tmp();
    const file = path.join(d, 'j.ndjson');
    const j = await openAppendJournal(file);
    await j.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const target = path.join(d, 'elsewhere');
    symlinkSync(target, path.join(d, 'link.ndjson'));
    await expect(openAppendJournal(path.join(d, 'link.ndjson'))).rejects.toMatchObject({ code: 'FILE_UNSAFE' });
    expect(existsSync(target)).toBe(false);
  });

  it('continues after a short write', () => {
    const written: Buffer[] = [];
    const short = (_fd: number, b: NodeJS.ArrayBufferView, off?: number | null, len?: number | null) => (
      written.push((b as Buffer).subarray(off!, off! + Math.min(3, len!))),
      Math.min(3, len!)
    );
    writeAllSync(7, Buffer.from('{"id":"EV-1"}\n'), short as typeof writeSync);
    expect(Buffer.concat(written).toString()).toBe('{"id":"EV-1"}\n');
    const stuck = (() => 0) as typeof writeSync;
    expect(() => writeAllSync(7, Buffer.from('x'), stuck)).toThrow(expect.objectContaining({ code: 'EIO' }));
  });

  it('reads line by line across chunk boundaries, with offsets, and reports where whole lines end', async () => {
    const file = path.join(tmp(), 'j.ndjson');
    const long = `{"x":"${'y'.repeat(1_500_000)}"}`;
    const lines = [
      '{"a":1}',
      long,
      '{"b":2}',
      ...Array.from({ length: 3000 }, (_, i) => `{"i":${i},"pad":"${'p'.repeat(i % 700)}"}`),
    ];
    const text = `${lines.join('\n')}\n{"torn`;
    writeFileSync(file, text);
    const { got, r } = await collect(file);
    expect(got.map((g) => g.text)).toEqual(lines);
    expect(got[2]).toMatchObject({ lineNo: 3, offset: '{"a":1}\n'.length + long.length + 1 });
    expect(r).toEqual({
      files: [file],
      validBytes: Buffer.byteLength(text) - '{"torn'.length,
      tornBytes: '{"torn'.length,
    });
  });

  it('with `containing`, visits only the lines holding those bytes, whatever the chunking', async () => {
    const file = path.join(tmp(), 'j.ndjson');
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      i % 997 === 0
        ? `{"id":"E${i}","pad":"${'q'.repeat(i % 500)}"}`
        : `{"outcome":"rejected","bodyHead":"${'j'.repeat(i % 900)}"}`,
    );
    writeFileSync(file, `${lines.join('\n')}\n{"id":"torn`);
    const seen: Array<[number, string]> = [];
    await scanJournal(file, (l) => seen.push([l.offset, l.bytes.toString()]), { containing: Buffer.from('"id":"') });
    const want = lines.flatMap((l, i) =>
      i % 997 === 0 ? [[lines.slice(0, i).reduce((a, x) => a + x.length + 1, 0), l]] : [],
    );
    expect(seen).toEqual(want);
  });

  it('rotates past rotateBytes into .1, .2 …, and a scan reads them oldest first', async () => {
    const d = tmp();
    const file = path.join(d, 'j.ndjson');
    const j = await openAppendJournal(file, { rotateBytes: 30 });
    for (let i = 0; i < 5; i++) await j.append({ i, pad: 'xxxxxxxxxx' });
    await j.close();
    expect(await rotatedFiles(file)).toEqual([4, 3, 2, 1].map((n) => `${file}.${n}`));
    expect(readFileSync(`${file}.4`, 'utf8')).toBe('{"i":0,"pad":"xxxxxxxxxx"}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"i":4,"pad":"xxxxxxxxxx"}\n');
    const { got } = await collect(file);
    expect(got.map((g) => JSON.parse(g.text).i)).toEqual([0, 1, 2, 3, 4]);
    for (const f of [file, `${file}.1`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    // The batch journal reads a rotated journal whole, in order.
    expect((await readJournal(file))!.records.map((r) => (r as unknown as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
  });
});
