// Shell completion scripts rendered from completion-model.ts. bash: plain functions and `case` (no associative
// arrays, no `declare -g`), so the bash 3.2 that macOS ships runs it; zsh: the same functions through
// bashcompinit; fish: its own `complete` lines. Profile names come from `wxpay config profiles` (which never runs
// an rc file), with the --config already on the line.
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { walk, type ValueKind } from './completion-model.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const key = (p: string) => (p ? `_ ${p}` : '_');
const kindWord = (k: ValueKind) => (typeof k === 'string' ? k : `values ${k.join(' ')}`);

function caseFn(name: string, comment: string, arms: string[]): string {
  return `# ${comment}\n${name}() {\n  case "$1" in\n${arms.join('\n')}\n  esac\n}`;
}

/** The case functions generated from the command tree: what each command path offers. */
function caseFunctions(program: Command): string {
  const nodes = walk(program);
  const root = nodes[0]!;
  const arm = (pattern: string, value: string) => `    ${pattern}) echo ${q(value)} ;;`;
  const valueArms = [
    ...nodes
      .slice(1)
      .flatMap((n) => Object.entries(n.values).map(([flag, k]) => arm(q(`${key(n.path)} ${flag}`), kindWord(k)))),
    // Global flags, after every command's own: a command may declare a flag of the same name.
    ...Object.entries(root.values).map(([flag, k]) => arm(`*${q(` ${flag}`)}`, kindWord(k))),
  ];
  return `${caseFn(
    '_wxpay_subs',
    'Sub-commands of a command path ("_" is the root, "_ config" is `wxpay config`).',
    nodes.map((n) => arm(q(key(n.path)), n.subs.join(' '))),
  )}
${caseFn(
  '_wxpay_flags',
  'Flags of a command path.',
  nodes.map((n) => arm(q(key(n.path)), n.flags.join(' '))),
)}
${caseFn('_wxpay_value', 'What the value of "<command path> <flag>" completes to: file, dir, profile, free or "values a b"; nothing for a flag without a value.', valueArms)}
${caseFn(
  '_wxpay_args',
  "Values of a command's first argument.",
  nodes.filter((n) => n.args.length).map((n) => arm(q(key(n.path)), n.args.join(' '))),
)}
`;
}

// The fixed part of the script: it only asks the case functions above, so it is the same for every command tree.
// It walks the words typed so far to find the command path and the --config given, then completes the current word.
const COMPLETE_FUNCTIONS = `_wxpay_profiles() {
  case "$1" in '~/'*) set -- "$HOME/\${1#'~/'}" ;; esac
  if [ -n "$1" ]; then wxpay config profiles --config "$1" 2>/dev/null; else wxpay config profiles 2>/dev/null; fi
}
_wxpay_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="_" w kind config="" npos=0 i=1
  while [ "$i" -lt "$COMP_CWORD" ]; do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      -*)
        kind="$(_wxpay_value "$cmd $w")"
        if [ -n "$kind" ] && [ "$((i + 1))" -lt "$COMP_CWORD" ]; then
          i=$((i + 1))
          [ "$w" = --config ] && config="\${COMP_WORDS[i]}"
        fi ;;
      *)
        case " $(_wxpay_subs "$cmd") " in
          *" $w "*) cmd="$cmd $w" ;;
          *) npos=$((npos + 1)) ;;
        esac ;;
    esac
    i=$((i + 1))
  done
  [ "$COMP_CWORD" -gt 1 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  kind=""
  case "$prev" in -*) kind="$(_wxpay_value "$cmd $prev")" ;; esac
  case "$kind" in
    file|dir)
      [ "$kind" = dir ] && w=-d || w=-f
      COMPREPLY=($(compgen $w -- "$cur"))
      if type compopt >/dev/null 2>&1; then compopt -o filenames 2>/dev/null; fi ;;
    profile) COMPREPLY=($(compgen -W "$(_wxpay_profiles "$config")" -- "$cur")) ;;
    'values '*) COMPREPLY=($(compgen -W "\${kind#values }" -- "$cur")) ;;
    free) COMPREPLY=() ;;
    *)
      case "$cur" in
        -*) COMPREPLY=($(compgen -W "$(_wxpay_flags "$cmd")" -- "$cur")) ;;
        *)
          w="$(_wxpay_subs "$cmd")"
          [ -z "$w" ] && [ "$npos" -eq 0 ] && w="$(_wxpay_args "$cmd")"
          COMPREPLY=($(compgen -W "$w" -- "$cur")) ;;
      esac ;;
  esac
  return 0
}
complete -F _wxpay_complete wxpay
`;

function bashBody(program: Command): string {
  return caseFunctions(program) + COMPLETE_FUNCTIONS;
}

export function bashScript(program: Command): string {
  return `# wxpay bash completion (bash 3.2 or later). Install: wxpay completion bash > ~/.local/share/bash-completion/completions/wxpay\n${bashBody(program)}`;
}

export function zshScript(program: Command): string {
  return `#compdef wxpay
# wxpay zsh completion (the bash functions through bashcompinit). Install: wxpay completion zsh > "\${fpath[1]}/_wxpay"
autoload -U +X bashcompinit && bashcompinit
${bashBody(program)}
# Loaded by compinit as _wxpay on the first TAB: complete that TAB too, not only the next ones.
if [[ -n \${compstate+x} ]]; then _bash_complete -F _wxpay_complete; fi
`;
}

function fishValue(kind: ValueKind): string {
  if (kind === 'file') return '-r -F';
  if (kind === 'dir') return `-x -a '(__fish_complete_directories (commandline -ct))'`;
  if (kind === 'profile') return `-x -a '(__wxpay_profiles)'`;
  if (kind === 'free') return '-x';
  return `-x -a ${q(kind.join(' '))}`;
}

const FISH_PROFILES = `function __wxpay_profiles
    set -l tokens (commandline -opc)
    set -l config
    for i in (seq (count $tokens))
        if test "$tokens[$i]" = --config; and test $i -lt (count $tokens)
            set config $tokens[(math $i + 1)]
        end
    end
    if test -n "$config"
        wxpay config profiles --config (string replace -r '^~' $HOME -- $config) 2>/dev/null
    else
        wxpay config profiles 2>/dev/null
    end
end`;

export function fishScript(program: Command): string {
  const lines = [
    '# wxpay fish completion. Install: wxpay completion fish > ~/.config/fish/completions/wxpay.fish',
    'complete -c wxpay -f',
    FISH_PROFILES,
  ];
  const nodes = walk(program);
  for (const [flag, kind] of Object.entries(nodes[0]!.values))
    lines.push(`complete -c wxpay -l ${flag.slice(2)} ${fishValue(kind)}`);
  for (const n of nodes) {
    const last = n.path.split(' ').pop() ?? '';
    const where = n.path ? `__fish_seen_subcommand_from ${last}` : '__fish_use_subcommand';
    const cond = n.path && n.subs.length ? `${where}; and not __fish_seen_subcommand_from ${n.subs.join(' ')}` : where;
    for (const s of n.subs) lines.push(`complete -c wxpay -n ${q(cond)} -a ${q(s)} -d ${q(n.descriptions[s] ?? '')}`);
    if (n.path && n.args.length) lines.push(`complete -c wxpay -n ${q(where)} -a ${q(n.args.join(' '))}`);
    for (const f of n.flags.filter((x) => x.startsWith('--') && !(x in nodes[0]!.values))) {
      const kind = n.values[f];
      lines.push(`complete -c wxpay -n ${q(where)} -l ${f.slice(2)}${kind ? ` ${fishValue(kind)}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
