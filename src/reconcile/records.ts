// The one line format every source is reduced to before the sort: `key US type US json`, where key is the
// out_trade_no (JSON-escaped, so it holds no newline or US separator and sorts the same in every run), type is
// one letter, and json is the few fields the comparison needs. Sorting these lines groups each order's bill rows,
// merchant rows and callbacks together.

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

const US = '\u001f';
const escapeKey = (key: string): string => JSON.stringify(key).slice(1, -1);

export function encodeRec(key: string, rec: Rec): string {
  const { type, ...rest } = rec;
  return `${escapeKey(key)}${US}${type}${US}${JSON.stringify(rest)}`;
}

export function decodeRec(line: string): { key: string; rec: Rec } {
  const a = line.indexOf(US);
  const key = JSON.parse(`"${line.slice(0, a)}"`) as string;
  const type = line.slice(a + 1, a + 2) as Rec['type'];
  return { key, rec: { type, ...(JSON.parse(line.slice(a + 3)) as object) } as Rec };
}

/** At most this many records per order are kept: a file repeating one number a million times stays bounded. */
export const GROUP_LIMIT = 1000;

/** Groups sorted record lines by key. */
export function* groups(sorted: Iterable<string>): Generator<{ key: string; recs: Rec[] }> {
  let key: string | undefined;
  let escaped = '';
  let recs: Rec[] = [];
  for (const line of sorted) {
    const k = line.slice(0, line.indexOf(US));
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
