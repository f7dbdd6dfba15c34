// The refund/transfer ledger has two implementations. The per-folder files (ledger.ts, refund-guard.ts,
// other-journals.ts) are checked once before a batch sends anything: they see what this machine's journals did.
// A shared ledger (`--ledger postgres://…`) is also checked row by row, right before each send, because another
// operator's batch may claim the same order while this one runs: `claim` records the row as started (or refuses
// it) in one step that no other batch can interleave with, and `settle` records WeChat Pay's answer.
import type { BatchOps } from './runner.js';
import type { BatchRow, Outcome } from './types.js';

export interface SendGate {
  /** Undefined: claimed, send it. Otherwise the reason it must not be sent (nothing was recorded). */
  claim(row: BatchRow): Promise<{ code: string; message: string } | undefined>;
  /** Records a send's or a look-up's answer for a row. */
  settle(row: BatchRow, outcome: Outcome): Promise<void>;
}

/** The ops with every send claimed first and every answer settled; a refused claim is the row's rejection. */
export function gatedOps(ops: BatchOps, gate: SendGate): BatchOps {
  const gated: BatchOps = {
    ...ops,
    async send(row) {
      let refused: Awaited<ReturnType<SendGate['claim']>>;
      try {
        refused = await gate.claim(row);
      } catch (e) {
        // Nothing was sent; the runner's usual path (look up, then send again) claims it again.
        return { kind: 'unknown', code: 'LEDGER_UNREACHABLE', message: (e as Error).message, rateLimited: false };
      }
      if (refused)
        return { kind: 'rejected', code: refused.code, message: `refused by the ledger: ${refused.message}` };
      const out = await ops.send(row);
      // A lost settle leaves the row `started`, which counts as possibly made: the safe side.
      await gate.settle(row, out).catch(() => undefined);
      return out;
    },
  };
  const lookup = ops.lookup;
  if (lookup)
    gated.lookup = async (row) => {
      const out = await lookup(row);
      // A "not found" settles nothing: it may be premature (in-flight.ts), and the send that follows claims anyway.
      if (out.kind === 'succeeded' || out.kind === 'rejected') await gate.settle(row, out).catch(() => undefined);
      return out;
    };
  return gated;
}
