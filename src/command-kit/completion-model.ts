// What shell completion knows, read from the live commander tree so every command and flag is covered without a
// hand-kept list: sub-commands, flags, and what each flag's value completes to. The few value lists commander
// cannot see (the commands check those arguments themselves, with their own hints) are named here.
import type { CommandUnknownOpts as Command, Option } from '@commander-js/extra-typings';
import { PREPAY_KINDS } from '../api/transactions.js';
import { SANDBOX_MODES } from '../sandbox/keyset.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** What an option's value completes to. Flags without a value have none. */
export type ValueKind = 'file' | 'dir' | 'profile' | 'free' | readonly string[];

export interface Node {
  /** 'config show'; '' for the root. */
  path: string;
  subs: string[];
  /** Every flag, the global ones included. */
  flags: string[];
  descriptions: Record<string, string>;
  /** Long flag -> what its value completes to, for this command's own flags. */
  values: Record<string, ValueKind>;
  /** The first positional argument's values, when it has a fixed set. */
  args: readonly string[];
}

const OPTION_VALUES: Record<string, ValueKind> = {
  '--profile': 'profile',
  '--mode': SANDBOX_MODES,
  '--known-cert': 'file',
  '--resource': 'file',
  '--path': 'free', // a URL path, not a file
};
const ARGUMENT_VALUES: Record<string, readonly string[]> = {
  prepay: PREPAY_KINDS,
  paysign: ['jsapi', 'app'],
  completion: SHELLS,
};

export function valueKind(o: Option): ValueKind | undefined {
  if (!o.required && !o.optional) return undefined;
  const named = o.long ? OPTION_VALUES[o.long] : undefined;
  if (named) return named;
  if (o.argChoices?.length) return o.argChoices;
  if (/[<[](file|path)[>\]]/.test(o.flags)) return 'file';
  if (/[<[]dir[>\]]/.test(o.flags)) return 'dir';
  return 'free';
}

function valuesOf(options: readonly Option[]): Record<string, ValueKind> {
  const out: Record<string, ValueKind> = {};
  for (const o of options) {
    const kind = valueKind(o);
    if (o.long && kind) out[o.long] = kind;
  }
  return out;
}

export function walk(program: Command): Node[] {
  const out: Node[] = [];
  const visit = (cmd: Command, path: string, inherited: string[]) => {
    const own = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
    const flags = [...new Set([...own, ...inherited, '--help'])];
    const subs = cmd.commands.filter((c) => c.name() !== 'help').map((c) => c.name());
    const descriptions: Record<string, string> = {};
    for (const c of cmd.commands) descriptions[c.name()] = c.description().split('\n')[0] ?? '';
    const args = cmd.registeredArguments[0]?.argChoices ?? ARGUMENT_VALUES[path] ?? [];
    out.push({ path, subs, flags, descriptions, values: valuesOf(cmd.options), args });
    for (const c of cmd.commands)
      if (c.name() !== 'help') visit(c, path ? `${path} ${c.name()}` : c.name(), path ? inherited : own);
  };
  visit(program, '', []);
  return out;
}
