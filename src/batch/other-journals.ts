// A new refund journal is how a batch forgets what it did: a rerun with a renamed file or a new --journal
// starts from nothing. So on every run of a refund batch, the other refund journals in its folder (and in the
// input file's folder), whatever their names, are read, and the orders of this file that they have seen are
// listed (for a new journal the caller warns and asks for --yes). Their refunds made or possibly made also join
// the ledger, so a renamed refund is still refused.
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { rotatedFiles } from '../journal/lines.js';
import { readJournal } from './journal.js';
import { ledgerOf, sameOrder, type LedgerEntry } from './ledger.js';
import type { BatchRow } from './types.js';

export interface OtherJournals {
  /** Refunds made or possibly made in the other journals. */
  entries: LedgerEntry[];
  /** This file's orders that another journal has seen (refunds made, unknown, or refused), as "order (journal)". */
  seen: string[];
}

/** Scans the journal's folder and the input file's (where the default journal of an earlier run would be). */
export async function scanOtherJournals(
  journalFile: string,
  inputFile: string,
  rows: readonly BatchRow[],
): Promise<OtherJournals> {
  const files: string[] = [];
  for (const dir of new Set([path.dirname(journalFile), path.dirname(inputFile)])) {
    // Any name: `--journal run1.jsonl` is a journal too. Rotated files (`<name>.<n>`) are read with their journal.
    const names = await readdir(dir).catch(() => [] as string[]);
    const all = new Set(names);
    const rotated = (n: string) => /\.\d+$/.test(n) && all.has(n.replace(/\.\d+$/, ''));
    files.push(
      ...names
        .filter((n) => !rotated(n))
        .sort()
        .map((n) => path.join(dir, n)),
    );
  }
  const entries: LedgerEntry[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (file === journalFile) continue;
    const name = path.relative(path.dirname(journalFile), file);
    // Anything that is not a refund journal (a webhook journal, maybe huge; a damaged file) is not ours to judge
    // here: only its first line is read to tell.
    if (!(await isRefundJournal(file))) continue;
    // A refund journal that cannot be read is not skipped: its refunds would then be sent again (BATCH_JOURNAL_INVALID).
    const contents = await readJournal(file);
    if (!contents) continue;
    const all = ledgerOf(contents.records, name);
    // Every order it sent a refund for, whatever came of it: rebuilt from the `start` records.
    const started = ledgerOf(
      contents.records.filter((r) => r.type === 'start'),
      name,
    );
    for (const row of rows) {
      const hit = [...started.values()].find((e) => sameOrder(e, row));
      if (hit) seen.add(`${row.outTradeNo ?? row.transactionId} (${name})`);
    }
    entries.push(...all.values());
  }
  return { entries, seen: [...seen] };
}

/** Whether the journal (its oldest rotated file, if it was rotated) starts with the header of a refund batch. */
async function isRefundJournal(file: string): Promise<boolean> {
  const oldest = (await rotatedFiles(file).catch(() => []))[0] ?? file;
  // Only regular files are opened: opening a FIFO someone left in the folder would wait forever.
  if (
    !(await stat(oldest).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    return false;
  const fh = await open(oldest, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const { buffer, bytesRead } = await fh.read({ buffer: Buffer.alloc(4096), position: 0 });
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n', 1)[0]!;
    const header = JSON.parse(first) as { type?: unknown; kind?: unknown };
    return header.type === 'batch' && header.kind === 'refund';
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}
