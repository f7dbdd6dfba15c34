// The one line format every source is reduced to before the sort: `["<out_trade_no>","<type>",{fields}]`, where
// type is one letter and the fields are the few the comparison needs. JSON escapes every newline, so a record is
// always one line. Sorting these lines groups each order's bill rows, merchant rows and callbacks together.

/** A bill payment row: the order was paid (amount in fen, time as written in the bill). */
export interface PaymentRec {
  type: 'P';
  fen: string;
  time: string;
}
/** A bill refund row. */
export interface RefundRec {
  type: 'R';
  outRefundNo: string;
  status: string;
  fen: string;
  time: string;
}
/** A row of the merchant's own records; amount and state only when the file has them. */
export interface MineRec {
  type: 'M';
  fen?: string;
  state?: string;
  line: number;
}
/** A callback in the journal (accepted or recovered). */
export interface CallbackRec {
  type: 'J';
  eventType: string;
  outRefundNo?: string;
}
export type Rec = PaymentRec | RefundRec | MineRec | CallbackRec;

/**
 * One flat string per record (a single JSON.stringify, not a concatenation: V8 keeps a concatenated string as a tree
 * of pieces, several times the size). Sorting these lines groups each key: the key is the first array element, and
 * its JSON text holds no unescaped quote, so `","` first occurs right after it.
 */
export function encodeRec(key: string, rec: Rec): string {
  const { type, ...rest } = rec;
  return JSON.stringify([key, type, rest]);
}

export function decodeRec(line: string): { key: string; rec: Rec } {
  const [key, type, rest] = JSON.parse(line) as [string, Rec['type'], object];
  return { key, rec: { type, ...rest } as Rec };
}

/** The key's JSON text at the start of a line: enough to tell whether two lines share a key. */
const keyText = (line: string): string => line.slice(0, line.indexOf('","', 2));

/** At most this many records per order are kept: a file repeating one number a million times stays bounded. */
export const GROUP_LIMIT = 1000;

/** Groups sorted record lines by key. */
export function* groups(sorted: Iterable<string>): Generator<{ key: string; recs: Rec[] }> {
  let key: string | undefined;
  let escaped = '';
  let recs: Rec[] = [];
  for (const line of sorted) {
    const k = keyText(line);
    if (k !== escaped || key === undefined) {
      if (key !== undefined) yield { key, recs };
      const d = decodeRec(line);
      key = d.key;
      escaped = k;
      recs = [d.rec];
    } else if (recs.length < GROUP_LIMIT) recs.push(decodeRec(line).rec);
  }
  if (key !== undefined) yield { key, recs };
}
