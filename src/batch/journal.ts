// The batch journal: NDJSON, append-only, every record fsynced before `append` resolves. A row is marked
// `start` before its request leaves and `done`/`unknown` after, so a crash at any instant leaves enough on
// disk to decide, on rerun, whether WeChat Pay must be asked before sending again. The file handling (torn
// tail, fsync of file and folder, short writes, group commit, rotation) is the shared journal module's.
import { WxpayError } from '../protocol/errors.js';
import { openAppendJournal, type AppendJournal } from '../journal/append.js';
import { scanJournal } from '../journal/lines.js';
import type { JournalRecord } from './types.js';

export interface JournalContents {
  records: JournalRecord[];
  /** Bytes of whole lines; anything after is a torn final write from a crash, dropped on open. */
  validBytes: number;
  tornTail: boolean;
}

const invalid = (where: string) =>
  new WxpayError('BATCH_JOURNAL_INVALID', `${where} is not a journal record`, {
    hint: 'The journal was edited or damaged. Restore it from a backup; never delete it to "start over", or finished refunds may be sent again.',
  });

function parseRecord(line: string, where: string): JournalRecord {
  try {
    return JSON.parse(line) as JournalRecord;
  } catch {
    throw invalid(where);
  }
}

/** Parses journal text. A torn last line (no newline, not JSON) is expected after SIGKILL; damage elsewhere is not. */
export function parseJournal(text: string, file = 'journal'): JournalContents {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  const torn = lines.pop()!; // after the last newline: '' when the file ends whole
  lines.forEach((line, i) => {
    if (line.trim() !== '') records.push(parseRecord(line, `${file} line ${i + 1}`));
  });
  return { records, validBytes: Buffer.byteLength(text) - Buffer.byteLength(torn), tornTail: torn !== '' };
}

/** Reads the journal (its rotated files first) line by line; undefined when there is none. */
export async function readJournal(file: string): Promise<JournalContents | undefined> {
  const records: JournalRecord[] = [];
  let scanned;
  try {
    scanned = await scanJournal(file, (l) => {
      const text = l.bytes.toString('utf8');
      if (text.trim() !== '') records.push(parseRecord(text, `${l.file} line ${l.lineNo}`));
    });
  } catch (e) {
    if (e instanceof WxpayError) throw e;
    throw new WxpayError('BATCH_JOURNAL_INVALID', `Cannot read the journal ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: 'Check the path and its permissions.',
    });
  }
  return scanned && { records, validBytes: scanned.validBytes, tornTail: scanned.tornBytes > 0 };
}

export class Journal {
  private failed: unknown;

  private constructor(
    private readonly inner: AppendJournal,
    readonly file: string,
  ) {}

  /**
   * Opens for appending, cutting the live file to `validBytes` first (a torn tail) so the next record starts on a
   * line of its own. `durable: false` skips the fsyncs: for read-only batches (queries) a lost record only means
   * one more query.
   */
  static async open(file: string, validBytes = 0, opts: { durable?: boolean } = {}): Promise<Journal> {
    return new Journal(await openAppendJournal(file, { truncateTo: validBytes, durable: opts.durable ?? true }), file);
  }

  /** Resolves once the record is on disk (written, and fsynced unless opened with durable: false). */
  append(record: JournalRecord): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return this.inner.append(record).catch((e: unknown) => {
      // A journal that cannot be written must stop the batch: nothing may be sent without its record.
      this.failed ??= new WxpayError(
        'BATCH_JOURNAL_WRITE',
        `Cannot write the journal ${this.file}: ${(e as Error).message}`,
        { cause: e, hint: 'Check free disk space and permissions, then rerun the same command to resume.' },
      );
      throw this.failed;
    });
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
