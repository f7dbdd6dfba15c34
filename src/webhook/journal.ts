// The webhook journal: NDJSON, one line per delivery (a capture + outcome, or a bounded digest of a rejected
// one), appended and fsynced BEFORE the listener answers, so an acknowledged notification survives a crash. The
// file handling (torn tail, fsyncs, short writes, group commit, rotation) is the shared journal module's.
// At start the journal is read line by line: the acknowledged ids stay in memory, and the accepted events whose
// forward was never confirmed are remembered by position, to be forwarded again.
import { open, type FileHandle } from 'node:fs/promises';
import type { JournalEntry } from './capture.js';
import { openAppendJournal } from '../journal/append.js';
import { scanJournal } from '../journal/lines.js';

export interface Journal {
  readonly path: string;
  append(entry: JournalEntry | Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface OpenedJournal extends Journal {
  /** Bytes of a torn last line cut off on open (0 if none). */
  readonly cutBytes: number;
}

interface Where {
  file: string;
  offset: number;
  length: number;
}

export interface Recovered {
  /** Event ids acknowledged so far, rotated files included. */
  seen: Set<string>;
  /** Accepted events whose forward was not confirmed, oldest first. */
  unforwarded: Where[];
}

// Only lines with an event id can change what is recovered; the rest (rejected digests and rate-limit summaries,
// most of a flooded journal) are never even split into lines. Inside a JSON string the quotes would be escaped, so
// this finds every "id" key (and may find a few more lines, which the parse below sorts out).
const HAS_ID = Buffer.from('"id":"');

export async function recoverJournal(file: string): Promise<Recovered> {
  const seen = new Set<string>();
  const pending = new Map<string, Where>();
  await scanJournal(
    file,
    (line) => {
      let e: JournalEntry;
      try {
        e = JSON.parse(line.bytes.toString('utf8')) as JournalEntry;
      } catch {
        return; // damaged, so never acknowledged
      }
      if (typeof e.id !== 'string') return;
      if (e.outcome === 'accepted' || e.outcome === 'duplicate') seen.add(e.id);
      if (e.outcome === 'accepted' && e.forwardPending === true)
        pending.set(e.id, { file: line.file, offset: line.offset, length: line.bytes.length });
      if (e.outcome === 'forwarded') pending.delete(e.id);
    },
    { containing: HAS_ID },
  );
  return { seen, unforwarded: [...pending.values()] };
}

/** Event ids already acknowledged, from an existing journal and its rotated files. */
export async function acknowledgedIds(file: string): Promise<Set<string>> {
  return (await recoverJournal(file)).seen;
}

/** The journal entries at the given places, read one at a time. The files are opened now, before any append, so
 *  a rotation later (a rename) does not move them away; iterate the result to the end to close them. */
export async function openEntries(places: Where[]): Promise<AsyncGenerator<JournalEntry>> {
  const handles = new Map<string, FileHandle>();
  for (const p of places) if (!handles.has(p.file)) handles.set(p.file, await open(p.file, 'r'));
  return (async function* () {
    try {
      for (const p of places) {
        const buf = Buffer.alloc(p.length);
        await handles.get(p.file)!.read(buf, 0, p.length, p.offset);
        yield JSON.parse(buf.toString('utf8')) as JournalEntry;
      }
    } finally {
      for (const h of handles.values()) await h.close();
    }
  })();
}

export async function openJournal(file: string, opts: { rotateBytes?: number } = {}): Promise<OpenedJournal> {
  const j = await openAppendJournal(file, opts.rotateBytes ? { rotateBytes: opts.rotateBytes } : {});
  return { path: file, cutBytes: j.cutBytes, append: (e) => j.append(e), close: () => j.close() };
}
