// The batch journal: NDJSON, append-only, every record fsynced before `append` resolves. A row is marked
// `start` before its request leaves and `done`/`unknown` after, so a crash at any instant leaves enough on
// disk to decide, on rerun, whether WeChat Pay must be asked before sending again. Concurrent appends
// share one write + fsync (group commit), so durability costs one fsync per burst, not one per row.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { WxpayError } from '../core/errors.js';
import type { JournalRecord } from './types.js';

export interface JournalContents {
  records: JournalRecord[];
  /** Bytes of whole lines; anything after is a torn final write from a crash, dropped on open. */
  validBytes: number;
  tornTail: boolean;
}

/** Parses journal text. A torn last line (no newline, not JSON) is expected after SIGKILL; damage elsewhere is not. */
export function parseJournal(text: string, file = 'journal'): JournalContents {
  const records: JournalRecord[] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    lineNo++;
    if (nl < 0) return { records, validBytes: Buffer.byteLength(text.slice(0, pos)), tornTail: true };
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      throw new WxpayError('BATCH_JOURNAL_INVALID', `${file} line ${lineNo} is not a journal record`, {
        hint: 'The journal was edited or damaged. Restore it from a backup; never delete it to "start over", or finished refunds may be sent again.',
      });
    }
  }
  return { records, validBytes: Buffer.byteLength(text), tornTail: false };
}

export async function readJournal(file: string): Promise<JournalContents | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WxpayError('BATCH_JOURNAL_INVALID', `Cannot read the journal ${file}: ${(e as Error).message}`, { cause: e, hint: 'Check the path and its permissions.' });
  }
  return parseJournal(text, file);
}

export class Journal {
  private queue: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private failed: unknown;

  private constructor(private readonly fh: FileHandle, readonly file: string, private readonly durable: boolean) {}

  /**
   * Opens for appending, cutting off a torn tail first so the next record starts on a line of its own.
   * `durable: false` skips the fsyncs: for read-only batches (queries) a lost record only means one more query.
   */
  static async open(file: string, validBytes = 0, opts: { durable?: boolean } = {}): Promise<Journal> {
    const fh = await open(file, 'a+', 0o600);
    try {
      const { size } = await fh.stat();
      if (size > validBytes) await fh.truncate(validBytes);
      await fh.sync();
      if (size === 0) await syncDir(path.dirname(file));
    } catch (e) {
      await fh.close();
      throw e;
    }
    return new Journal(fh, file, opts.durable ?? true);
  }

  /** Resolves once the record is on disk (written, and fsynced unless opened with durable: false). */
  append(record: JournalRecord): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0);
      try {
        await this.fh.appendFile(batch.map((b) => b.line).join(''));
        if (this.durable) await this.fh.sync();
        for (const b of batch) b.resolve();
      } catch (e) {
        // A journal that cannot be written must stop the batch: nothing may be sent without its record.
        this.failed = new WxpayError('BATCH_JOURNAL_WRITE', `Cannot write the journal ${this.file}: ${(e as Error).message}`, { cause: e, hint: 'Check free disk space and permissions, then rerun the same command to resume.' });
        for (const b of [...batch, ...this.queue.splice(0)]) b.reject(this.failed);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  // The new file's directory entry must be durable too; some filesystems refuse fsync on a directory.
  const d = await open(dir, 'r').catch(() => undefined);
  try {
    await d?.sync();
  } catch {
    // Best effort.
  } finally {
    await d?.close();
  }
}
