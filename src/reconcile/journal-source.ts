// The webhook journal as reconcile records: one J record per callback the app got (accepted or recovered), keyed
// by its out_trade_no. Read through the journal's chunked reader, rotated files included.
import { callbackOf } from '../journal/callbacks.js';
import { scanJournal } from '../journal/lines.js';
import type { CallbackRec } from './records.js';

/** Calls `emit` for each callback; returns their count, or undefined when the journal does not exist. */
export async function readCallbacks(
  file: string,
  emit: (key: string, rec: CallbackRec) => void,
): Promise<number | undefined> {
  let n = 0;
  const scanned = await scanJournal(file, (line) => {
    const cb = callbackOf(line.bytes.toString('utf8'));
    if (!cb?.outTradeNo) return;
    n++;
    emit(cb.outTradeNo, {
      type: 'J',
      eventType: cb.eventType,
      ...(cb.outRefundNo === undefined ? {} : { outRefundNo: cb.outRefundNo }),
    });
  });
  return scanned ? n : undefined;
}
