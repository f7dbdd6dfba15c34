// Issue 15, build 2: a command's options type is derived from its flags (cli/X.ts, @commander-js/extra-typings),
// so a renamed flag is a compile error where a command reads it, not a silent `undefined`. The type-level
// assertions below are checked by `npm run typecheck` (tsc compiles test/); the runtime ones by vitest.
import { Command } from '@commander-js/extra-typings';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OptionsOf } from '../../src/cli/lazy.js';
import type { TradeBillOptions } from '../../src/cli/bill.js';
import type { BatchFlagOptions } from '../../src/cli/batch-flags.js';
import type { QueryOptions } from '../../src/cli/query.js';
import { buildProgram } from '../../src/cli.js';
import type { CommandContext, Runtime } from '../../src/runtime.js';

const subcommand = (path: string[]) => {
  let cmd = buildProgram({} as Runtime);
  for (const name of path) cmd = cmd.commands.find((c) => c.name() === name) as unknown as Command;
  return cmd;
};

describe('typed options from one declaration', () => {
  it("query's options type is exactly its declared flags", () => {
    expectTypeOf<QueryOptions>().toEqualTypeOf<{
      transactionId?: string | undefined;
      combine?: string | undefined;
      subMchid?: string | undefined;
    }>();
    const declared: Array<keyof QueryOptions> = ['transactionId', 'combine', 'subMchid'];
    // The keys the type has are the attribute names commander gives the parsed flags (batch flags come on top).
    const names = subcommand(['query']).options.map((o) => o.attributeName());
    expect(names.slice(0, declared.length)).toEqual(declared);
  });

  it("bill trade's options: its own flags plus the shared common() ones, choices and defaults included", () => {
    expectTypeOf<TradeBillOptions>().toEqualTypeOf<{
      type: 'ALL' | 'SUCCESS' | 'REFUND';
      subMchid?: string | undefined;
      date: string;
      gzip?: true | undefined;
      output?: string | undefined;
      format?: 'raw' | 'csv' | 'json' | 'ndjson' | undefined;
      summary?: true | undefined;
    }>();
    const declared: Array<keyof TradeBillOptions> = ['type', 'subMchid', 'date', 'gzip', 'output', 'format', 'summary'];
    expect(subcommand(['bill', 'trade']).options.map((o) => o.attributeName())).toEqual(declared);
  });

  it('the batch flags added to query are the ones the batch code reads by type', () => {
    const batchKeys: Array<keyof BatchFlagOptions> = ['from', 'concurrency', 'rate', 'dryRun'];
    const names = subcommand(['query']).options.map((o) => o.attributeName());
    // query keeps no journal and never asks (--journal, --yes), and only refund create takes --allow-additional-refund.
    expect(names.slice(3)).toEqual(batchKeys);
    expectTypeOf<BatchFlagOptions['concurrency']>().toEqualTypeOf<string | undefined>();
  });

  it('a renamed flag is a type error in the command that still reads the old name', () => {
    // The same command after renaming --transaction-id to --txn-id:
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- only its type is inspected
    const renamed = (program: Command) => program.command('query').option('--txn-id <id>');
    type Renamed = OptionsOf<typeof renamed>;
    const run = (ctx: CommandContext<Renamed>) =>
      // @ts-expect-error transactionId is no longer declared, so reading it does not compile
      ctx.opts.transactionId as unknown;
    expectTypeOf<Renamed>().toEqualTypeOf<{ txnId?: string | undefined }>();
    expect(run({ args: [], opts: { txnId: '4200' }, rt: {} as Runtime })).toBeUndefined();
  });

  it('defaults, negations and choices shape the type too', () => {
    const declare = (program: Command) =>
      program
        .command('x')
        .option('--name <profile>', 'profile name', 'default')
        .option('--no-wait')
        .option('--count <n>', 'how many', Number);
    expectTypeOf<OptionsOf<typeof declare>>().toEqualTypeOf<{
      name: string;
      wait: boolean;
      count?: number | undefined;
    }>();
    const program = new Command().exitOverride();
    const x = declare(program);
    program.parse(['x', '--count', '3'], { from: 'user' });
    expect(x.opts()).toEqual({ name: 'default', wait: true, count: 3 });
  });
});
