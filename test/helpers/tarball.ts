// Reads a .tgz in memory: the entries of a gzipped tar archive (ustar headers, and the PAX `path` records npm's tar
// writes for names longer than 100 bytes). pack-install.test.ts checks what `npm pack` put in the tarball from its
// bytes, instead of unpacking ~900 files to disk, walking them, reading them back and removing them.
import { gunzipSync } from 'node:zlib';

export interface TarEntry {
  /** The path inside the archive, e.g. `package/dist/index.js`. */
  path: string;
  /** '0' (or '\0') a file, '5' a folder, '2' a symbolic link… */
  type: string;
  content: Buffer;
}

const BLOCK = 512;

const text = (b: Buffer, start: number, length: number): string => {
  const field = b.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
};

/** A PAX extended header's records: "<length> <key>=<value>\n", each length counting its whole record. */
function paxRecords(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(body.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return out;
}

/** Every entry of a gzipped tar archive, in archive order (PAX headers applied, not listed). */
export function readTarball(gz: Buffer): TarEntry[] {
  const tar = gunzipSync(gz);
  const entries: TarEntry[] = [];
  let pax = new Map<string, string>();
  for (let at = 0; at + BLOCK <= tar.length;) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // the end-of-archive blocks
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = text(header, 156, 1) || '0';
    const content = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pax = paxRecords(content);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = text(header, 0, 100);
    entries.push({ path: pax.get('path') ?? (prefix ? `${prefix}/${name}` : name), type, content });
    pax = new Map();
  }
  return entries;
}
