// Reads an NDJSON journal line by line, in fixed-size chunks: a journal of any size (a flood can make one of
// gigabytes) is read in bounded memory and time. A journal is its live file plus the files rotated out of it
// (`<file>.1` newest … `<file>.N` oldest); they are read oldest first, so records come back in the order written.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface JournalLine {
  file: string;
  /** 1-based, within `file`. */
  lineNo: number;
  /** Byte offset of the line's first byte in `file`. */
  offset: number;
  /** The line without its newline. Valid only during the visit: copy it to keep it. */
  bytes: Buffer;
}

export interface ScanResult {
  /** The files read, oldest first (the live file last, if it exists). */
  files: string[];
  /** Bytes of whole lines in the live file; past them is a write torn by a crash. */
  validBytes: number;
  /** Bytes after the live file's last newline (0 when its last line is whole). */
  tornBytes: number;
}

const CHUNK = 4 << 20;

/** `<file>.N … <file>.1`, oldest first: the files rotated out of `file` that exist. */
export async function rotatedFiles(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const numbers = names.flatMap((n) => {
    const m = n.startsWith(`${base}.`) ? /^\d+$/.exec(n.slice(base.length + 1)) : null;
    return m ? [Number(m[0])] : [];
  });
  return numbers.sort((a, b) => b - a).map((n) => path.join(dir, `${base}.${n}`));
}

export interface ScanOptions {
  /** Visit only the lines holding these bytes, found by a search over whole chunks: the other lines cost nothing
   *  per line (a flooded journal is gigabytes of lines that cannot matter). Line numbers are then not counted (0). */
  containing?: Buffer;
}

/** What one file's scan hands to every chunk: the same for all of its chunks. */
interface LineVisit {
  file: string;
  visit: (line: JournalLine) => void;
  containing?: Buffer | undefined;
}

/** Calls `visit` for each whole line in data[0, end) (all, or those holding `containing`); returns the lines seen.
 *  `at` is the file offset of data[0]; `lineNo` the lines counted before it. */
function visitLines(data: Buffer, end: number, at: number, lineNo: number, scan: LineVisit): number {
  const { file, visit, containing } = scan;
  if (containing) {
    for (let hit = data.indexOf(containing, 0); hit >= 0 && hit < end;) {
      const start = data.lastIndexOf(0x0a, hit) + 1;
      const nl = data.indexOf(0x0a, hit);
      visit({ file, lineNo: 0, offset: at + start, bytes: data.subarray(start, nl) });
      hit = data.indexOf(containing, nl + 1);
    }
    return lineNo;
  }
  let start = 0;
  for (let nl = data.indexOf(0x0a, start); nl >= 0 && nl < end; nl = data.indexOf(0x0a, start)) {
    lineNo++;
    if (nl > start) visit({ file, lineNo, offset: at + start, bytes: data.subarray(start, nl) });
    start = nl + 1;
  }
  return lineNo;
}

/** Calls `visit` for every whole line of one file; returns where the whole lines end and the file's size. */
export async function scanFile(
  file: string,
  visit: (line: JournalLine) => void,
  opts: ScanOptions = {},
): Promise<{ validBytes: number; size: number } | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    let carry: Buffer = Buffer.alloc(0);
    let carryAt = 0; // file offset of carry[0]
    let pos = 0;
    let lineNo = 0;
    const scan: LineVisit = { file, visit, containing: opts.containing };
    for (;;) {
      // A fresh buffer each time: a visitor may still hold a subarray of the previous one until it returns.
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(chunk, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const whole = data.lastIndexOf(0x0a) + 1; // up to the last newline: whole lines
      lineNo = visitLines(data, whole, carryAt, lineNo, scan);
      // Copy the unfinished line out, so the chunk it sits in is not kept alive by it.
      carry = Buffer.from(data.subarray(whole));
      carryAt += whole;
    }
    return { validBytes: carryAt, size: pos };
  } finally {
    await fh.close();
  }
}

/** Reads a journal's rotated files then its live file. undefined when none exists. */
export async function scanJournal(
  file: string,
  visit: (line: JournalLine) => void,
  opts: ScanOptions = {},
): Promise<ScanResult | undefined> {
  const files: string[] = [];
  for (const f of await rotatedFiles(file)) if (await scanFile(f, visit, opts)) files.push(f);
  const live = await scanFile(file, visit, opts);
  if (live) files.push(file);
  if (!files.length) return undefined;
  return { files, validBytes: live?.validBytes ?? 0, tornBytes: live ? live.size - live.validBytes : 0 };
}
