# Presses TAB once in a real interactive zsh, in a pseudo-terminal, and writes the matches zsh would offer to a file.
# Usage: zsh -f zsh-tab.zsh <folder holding _wxpay> <output file> <command line>
# compinit autoloads _wxpay from the folder (as an installed completion); compadd is wrapped to record its matches.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "compadd() { if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi; local -a hits; builtin compadd -A hits \"\$@\"; (( \$#hits )) && print -rl -- \$hits >> ${(q)2}; return 1; }"
zpty -w z "bindkey '^I' complete-word"
zpty -w -n z "$3"$'\t'
for i in {1..100}; do [[ -s $2 ]] && break; sleep 0.1; done
sleep 0.3
zpty -d z
