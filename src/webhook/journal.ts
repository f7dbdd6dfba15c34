// The webhook journal: NDJSON, one capture + outcome per line, appended and fsync'd BEFORE the listener answers,
// so an acknowledged notification survives a crash. Appends that arrive together share one write + one fsync
// (group commit), which keeps throughput up without weakening the guarantee.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { JournalEntry } from '../core/capture.js';

interface Pending {
  line: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface Journal {
  readonly path: string;
  append(entry: JournalEntry): Promise<void>;
  close(): Promise<void>;
}

/** Event ids already acknowledged, from an existing journal; a line torn by a crash is skipped. */
export async function acknowledgedIds(file: string): Promise<Set<string>> {
  const seen = new Set<string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return seen;
    throw err;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (e.id && (e.outcome === 'accepted' || e.outcome === 'duplicate')) seen.add(e.id);
    } catch {
      // torn tail from a kill mid-write: it was never acknowledged
    }
  }
  return seen;
}

export async function openJournal(file: string): Promise<Journal> {
  const fh: FileHandle = await open(file, 'a', 0o600);
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await fh.write(Buffer.concat(batch.map((p) => p.line)));
        await fh.sync();
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    flushing = undefined;
  }

  return {
    path: file,
    append(entry) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ line: Buffer.from(`${JSON.stringify(entry)}\n`), resolve, reject });
        flushing ??= flush();
      });
    },
    async close() {
      await flushing;
      await fh.close();
    },
  };
}
