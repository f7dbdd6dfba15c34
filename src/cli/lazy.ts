// Each action loads its command module on first use, so `wxpay --help` parses only declarations.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { CommandContext, Runtime } from '../runtime.js';

export interface CommandModule {
  // Each module narrows its own options type; commander hands over whatever was declared.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(ctx: CommandContext<any>): Promise<void>;
}

export function lazy(rt: Runtime, load: () => Promise<CommandModule>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as CommandUnknownOpts;
    const ctx = { args: args.slice(0, -2), opts: command.optsWithGlobals(), rt, command };
    const [mod, guard] = await Promise.all([load(), import('../command-kit/argv-guard.js')]);
    guard.refuseSecretArgs(ctx);
    await mod.run(ctx);
  };
}

/**
 * The options a command's declaration gives it, derived from its flags by @commander-js/extra-typings: cli/X.ts
 * declares `const declareY = (parent: Command) => parent.command('y').option(…)` and exports
 * `type YOptions = OptionsOf<typeof declareY>`; commands/x-y.ts takes `CommandContext<YOptions>` (an `import type`,
 * erased, so --help still loads no command code). A renamed flag is then a type error where it is read.
 */
export type OptionsOf<Declare extends (...args: never[]) => { opts(): object }> = ReturnType<
  ReturnType<Declare>['opts']
>;

/** For repeatable options: `--set a=1 --set b=2`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The "Example:" block of a command's help. */
export const ex = (lines: string): string => `\nExample:\n${lines}`;
