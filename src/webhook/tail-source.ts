// Where `webhook tail` reads from: the file journal, read once or followed. (A shared store, when there is one,
// offers the same two functions.) Lines arrive as raw bytes; tail.ts turns them into events.
import { followJournal } from '../journal/follow.js';
import { scanJournal } from '../journal/lines.js';

/** Every whole line of the journal and its rotated files, oldest first; false when there is no journal. */
export async function readJournalLines(file: string, visit: (line: Buffer) => void): Promise<boolean> {
  return (await scanJournal(file, (l) => visit(l.bytes))) !== undefined;
}

/** The same lines, then each appended one, across rotation, until the signal aborts. */
export function followJournalLines(file: string, visit: (line: Buffer) => void, signal: AbortSignal): Promise<void> {
  return followJournal(file, visit, { signal });
}
