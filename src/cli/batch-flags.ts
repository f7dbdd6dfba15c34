// Batch options (issue 8) on `query`, `close` and `refund create`: with `--from <file.csv>` the command runs
// the batch module instead of the single-order one. Declarations only; the batch code loads lazily.
import type { Command, CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type CommandModule } from './lazy.js';

type BatchKind = 'refund' | 'query' | 'close' | 'transfer';

/** Per command: the options it got from addBatchOptions (attribute names), which only make sense with --from. */
const batchOnly = new WeakMap<CommandUnknownOpts, Set<string>>();

const BATCH_OPTIONS: Array<[flags: string, description: string]> = [
  ['--from <file.csv>', 'batch: read the rows from a CSV file (see "Batch operations" in the README)'],
  [
    '--journal <file>',
    'batch: journal for resuming refunds and closes (default: beside the CSV, refunds.csv -> refunds.journal.ndjson)',
  ],
  ['--concurrency <n>', 'batch: requests in flight at once (default 4)'],
  ['--rate <per-second>', 'batch: requests per second at most (default 50)'],
  ['--dry-run', 'print the requests that would be sent, and send nothing'],
  ['-y, --yes', 'do not ask for confirmation'],
];

/** The action for a command that also takes `--from`: the batch module with it, `single` without. */
export function batchable(rt: Runtime, kind: BatchKind, single: () => Promise<CommandModule>) {
  const one = lazy(rt, single);
  const many = lazy(rt, async () => {
    const m = await import('../command-kit/batch-run.js');
    return { run: (ctx) => m.runBatchCommand(kind, ctx) };
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
    for (const [flags, description] of BATCH_OPTIONS) {
      const long = flags.split(/[ ,]+/).find((f) => f.startsWith('--'));
      if (cmd.options.some((o) => o.long === long)) continue;
      // Queries only read, so a query batch never asks and keeps no journal (every run asks again): --yes and
      // --journal there would be promises of nothing.
      if ((long === '--yes' || long === '--journal') && names.join(' ') === 'query') continue;
      cmd.option(flags, description);
      const added = batchOnly.get(cmd) ?? new Set<string>();
      added.add(cmd.options.at(-1)!.attributeName());
      batchOnly.set(cmd, added);
    }
    if (names.join(' ') === 'refund create') {
      cmd.option(
        '--allow-additional-refund',
        'batch: refund an order that already has a refund under another out_refund_no (the sum stays within its total)',
      );
      batchOnly.get(cmd)?.add('allowAdditionalRefund');
    }
  }
}
