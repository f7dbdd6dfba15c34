// Where `webhook tail` reads from: the file journal, or the shared store (store-tail.ts), behind one interface. Each
// gives journal entries as parsed JSON (a line that is not JSON is passed over); tail.ts turns them into events.
import { followJournal } from '../journal/follow.js';
import { scanJournal } from '../journal/lines.js';

export interface TailSource {
  /** What is read, for messages: the journal's path, or the store's URL with its password hidden. */
  readonly name: string;
  /** Every entry so far, oldest first; false when there is nothing to read from (no journal file). */
  read(visit: (entry: unknown) => void): Promise<boolean>;
  /** The same entries, then each new one, until the signal aborts. */
  follow(visit: (entry: unknown) => void, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const parsed = (visit: (entry: unknown) => void) => (line: Buffer) => {
  let entry: unknown;
  try {
    entry = JSON.parse(line.toString('utf8'));
  } catch {
    return; // a torn or foreign line: the journal module cuts torn lines, nothing to show
  }
  visit(entry);
};

/** The journal file and its rotated files, read once or followed across rotation. */
export function journalTailSource(file: string): TailSource {
  return {
    name: file,
    read: async (visit) => (await scanJournal(file, (l) => parsed(visit)(l.bytes))) !== undefined,
    follow: (visit, signal) => followJournal(file, parsed(visit), { signal }),
    close: () => Promise.resolve(),
  };
}
