// What `notify replay` sends, read from a journal line by line (a journal can be gigabytes, and its rotated files
// count too): each event once, preferring the copy that was accepted (its bytes are known good, and it holds the
// decrypted resource a forward needs), else the first one seen. Lines that are not captures (digests of rejected
// requests, forward outcomes, rate-limit summaries) are passed over.
import { captureFrom, type JournalEntry } from './capture.js';
import { WxpayError } from '../protocol/errors.js';
import { scanJournal } from '../journal/lines.js';

export function eventIdOf(c: JournalEntry): string | undefined {
  if (typeof c.id === 'string') return c.id;
  try {
    return (JSON.parse(c.body) as { id?: string }).id;
  } catch {
    return undefined;
  }
}

/** Keeps one capture per event id (the accepted copy if any), plus those without an id, in first-seen order. */
export class ReplaySelection {
  private readonly byId = new Map<string, JournalEntry>();
  private readonly noId: JournalEntry[] = [];
  constructor(private readonly onlyId?: string) {}

  add(c: JournalEntry): void {
    const id = eventIdOf(c);
    if (this.onlyId !== undefined && id !== this.onlyId) return;
    if (!id) this.noId.push(c);
    else if (!this.byId.has(id) || (c.outcome === 'accepted' && this.byId.get(id)!.outcome !== 'accepted'))
      this.byId.set(id, c);
  }

  get captures(): JournalEntry[] {
    return [...this.byId.values(), ...(this.onlyId === undefined ? this.noId : [])];
  }
}

/** Drops the journal lines that are JSON objects but not captures (see above) from text read whole (stdin). */
export function dropNonCaptures(text: string): string {
  return text
    .split('\n')
    .filter((line) => {
      try {
        const v = JSON.parse(line) as unknown;
        return !(v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { body?: unknown }).body !== 'string');
      } catch {
        return true; // not a line of its own (a pretty-printed capture) or torn: parseCaptures decides
      }
    })
    .join('\n');
}

class NotNdjson extends Error {}

/** The selection from an NDJSON journal (and its rotated files); undefined when `file` is not NDJSON (one capture
 *  document, perhaps pretty-printed), for the caller to read whole. */
export async function journalSelection(file: string, onlyId?: string): Promise<ReplaySelection | undefined> {
  const sel = new ReplaySelection(onlyId);
  try {
    const scanned = await scanJournal(file, (l) => {
      let v: unknown;
      try {
        v = JSON.parse(l.bytes.toString('utf8'));
      } catch {
        if (l.lineNo === 1) throw new NotNdjson();
        throw new WxpayError('USAGE', `Line ${l.lineNo} of ${l.file} is not JSON`, {
          hint: 'A journal has one JSON object per line.',
        });
      }
      if (v && typeof v === 'object' && typeof (v as { body?: unknown }).body === 'string')
        sel.add(captureFrom(v, `${l.file} line ${l.lineNo}`));
    });
    if (!scanned) throw new WxpayError('USAGE', `Cannot read ${file}: no such file`, { hint: 'Check the path.' });
    // A single capture written without a final newline is a "torn" line to the scanner: read it whole instead.
    return sel.captures.length || !scanned.tornBytes ? sel : undefined;
  } catch (e) {
    if (e instanceof NotNdjson) return undefined;
    throw e;
  }
}
