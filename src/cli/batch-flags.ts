// Batch options (issue 8) on `query`, `close` and `refund create`: with `--from <file.csv>` the command runs
// the batch module instead of the single-order one. Declarations only; the batch code loads lazily.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type CommandModule, type OptionsOf } from './lazy.js';

type BatchKind = 'refund' | 'query' | 'close' | 'transfer';

/** Per command: the options it got from addBatchOptions (attribute names), which only make sense with --from. */
const batchOnly = new WeakMap<CommandUnknownOpts, Set<string>>();

// The batch flags, declared once: addBatchOptions copies them onto commands already declared (skipping flags a
// command has), and the batch code reads them through the type derived here.
const declareBatchFlags = (cmd: Command) =>
  cmd
    .option('--from <file.csv>', 'batch: read the rows from a CSV file (see "Batch operations" in the README)')
    .option(
      '--journal <file>',
      'batch: journal for resuming refunds and closes (default: beside the CSV, refunds.csv -> refunds.journal.ndjson)',
    )
    .option('--concurrency <n>', 'batch: requests in flight at once (default 4)')
    .option('--rate <per-second>', 'batch: requests per second at most (default 50)')
    .option('--dry-run', 'print the requests that would be sent, and send nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option(
      '--allow-additional-refund',
      'batch: refund an order that already has a refund under another out_refund_no (the sum stays within its total)',
    )
    .option('--ledger <url>', 'batch: refunds/transfers: a PostgreSQL ledger shared by operators (or WXPAY_LEDGER)');
export type BatchFlagOptions = OptionsOf<typeof declareBatchFlags>;

/** The action for a command that also takes `--from`: the batch module with it, `single` without. */
export function batchable(rt: Runtime, kind: BatchKind, single: () => Promise<CommandModule>) {
  const one = lazy(rt, single);
  const many = lazy(rt, async () => {
    const m = await import('../command-kit/batch-run.js');
    return { run: (ctx: Parameters<typeof m.runBatchCommand>[1]) => m.runBatchCommand(kind, ctx) };
  });
  return (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as CommandUnknownOpts;
    const opts = cmd.opts();
    if (opts.from !== undefined) return many(...args);
    // Options this command has only because of the batch (e.g. --dry-run on query) must not be silently ignored.
    const stray = [...(batchOnly.get(cmd) ?? [])].find((k) => opts[k] !== undefined && k !== 'yes');
    if (stray)
      cmd.error(
        `error: --${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} only applies to a batch: add --from <file.csv>`,
        { exitCode: 2, code: 'wxpay.batchOption' },
      );
    return one(...args);
  };
}

/** Adds the batch options to the named sub-commands (path like ['refund', 'create']), skipping flags they already have. */
export function addBatchOptions(program: Command, ...paths: string[][]): void {
  for (const names of paths) {
    let cmd: CommandUnknownOpts | undefined = program;
    for (const n of names) cmd = cmd?.commands.find((c) => c.name() === n);
    if (!cmd) continue;
    const label = names.join(' ');
    for (const option of declareBatchFlags(new Command()).options) {
      if (cmd.options.some((o) => o.long === option.long)) continue;
      // Queries only read, so a query batch never asks and keeps no journal (every run asks again): --yes and
      // --journal there would be promises of nothing.
      if ((option.long === '--yes' || option.long === '--journal') && label === 'query') continue;
      if (option.long === '--allow-additional-refund' && label !== 'refund create') continue;
      // The shared ledger holds what moves money: refunds and transfers.
      if (option.long === '--ledger' && label !== 'refund create' && label !== 'transfer create') continue;
      cmd.addOption(option);
      batchOnly.set(cmd, (batchOnly.get(cmd) ?? new Set<string>()).add(option.attributeName()));
    }
  }
}
