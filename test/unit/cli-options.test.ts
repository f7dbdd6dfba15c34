// Issue 15, build 2: a command's options type is derived from its flags (cli/X.ts, @commander-js/extra-typings),
// so a renamed flag is a compile error where a command reads it, not a silent `undefined`. The type-level
// assertions below are checked by `npm run typecheck` (tsc compiles test/); the runtime ones by vitest.
import { Command } from '@commander-js/extra-typings';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OptionsOf } from '../../src/cli/lazy.js';
import type { QueryOptions } from '../../src/cli/query.js';
import { buildProgram } from '../../src/cli.js';
import type { CommandContext, Runtime } from '../../src/runtime.js';

const subcommand = (path: string[]) => {
  let cmd = buildProgram({} as Runtime) as unknown as Command;
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

  it('a renamed flag is a type error in the command that still reads the old name', () => {
    // The same command after renaming --transaction-id to --txn-id:
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
