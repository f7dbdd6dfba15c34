// Shell completion scripts generated from the live commander tree, so every command and flag is covered
// without a hand-kept list. Profile names come from `wxpay config profiles` at completion time.
import type { Command } from 'commander';

interface Node {
  path: string;
  subs: string[];
  flags: string[];
  descriptions: Record<string, string>;
}

export function walk(program: Command): Node[] {
  const out: Node[] = [];
  const visit = (cmd: Command, path: string, inherited: string[]) => {
    const own = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
    const flags = [...new Set([...own, ...inherited, '--help'])];
    const subs = cmd.commands.filter((c) => c.name() !== 'help').map((c) => c.name());
    const descriptions: Record<string, string> = {};
    for (const c of cmd.commands) descriptions[c.name()] = c.description().split('\n')[0] ?? '';
    out.push({ path, subs, flags, descriptions });
    for (const c of cmd.commands) if (c.name() !== 'help') visit(c, path ? `${path} ${c.name()}` : c.name(), path ? inherited : own);
  };
  visit(program, '', []);
  return out;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function bashScript(program: Command): string {
  const nodes = walk(program);
  // bash cannot key an associative array by '', so the root is '_' and 'config show' is '_ config show'.
  const key = (p: string) => q(p ? `_ ${p}` : '_');
  const subs = nodes.map((n) => `  [${key(n.path)}]=${q(n.subs.join(' '))}`).join('\n');
  const flags = nodes.map((n) => `  [${key(n.path)}]=${q(n.flags.join(' '))}`).join('\n');
  return `# wxpay bash completion. Install: wxpay completion bash > ~/.local/share/bash-completion/completions/wxpay
declare -gA _wxpay_subs=(
${subs}
)
declare -gA _wxpay_flags=(
${flags}
)
_wxpay() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="_" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    if [[ " \${_wxpay_subs[$path]} " == *" $w "* ]]; then path="$path $w"; fi
  done
  if [[ "$prev" == "--profile" ]]; then
    COMPREPLY=($(compgen -W "$(wxpay config profiles 2>/dev/null)" -- "$cur"))
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "\${_wxpay_flags[$path]}" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "\${_wxpay_subs[$path]}" -- "$cur"))
  fi
  return 0
}
complete -F _wxpay wxpay
`;
}

export function zshScript(program: Command): string {
  return `#compdef wxpay
# wxpay zsh completion (the bash script through bashcompinit). Install: wxpay completion zsh > "\${fpath[1]}/_wxpay"
autoload -U +X bashcompinit && bashcompinit
${bashScript(program).split('\n').filter((l) => !l.startsWith('# wxpay bash')).join('\n')}`;
}

export function fishScript(program: Command): string {
  const lines = ['# wxpay fish completion. Install: wxpay completion fish > ~/.config/fish/completions/wxpay.fish', 'complete -c wxpay -f'];
  lines.push(`complete -c wxpay -l profile -x -a '(wxpay config profiles 2>/dev/null)'`);
  for (const n of walk(program)) {
    const last = n.path.split(' ').pop() ?? '';
    const where = n.path ? `__fish_seen_subcommand_from ${last}` : '__fish_use_subcommand';
    const cond = n.path && n.subs.length ? `${where}; and not __fish_seen_subcommand_from ${n.subs.join(' ')}` : where;
    for (const s of n.subs) lines.push(`complete -c wxpay -n ${q(cond)} -a ${q(s)} -d ${q(n.descriptions[s] ?? '')}`);
    for (const f of n.flags.filter((x) => x.startsWith('--'))) lines.push(`complete -c wxpay -n ${q(where)} -l ${f.slice(2)}`);
  }
  return `${lines.join('\n')}\n`;
}
