# Presses TAB once in a real interactive zsh, in a pseudo-terminal, and writes the matches zsh would offer to a file.
# Usage: zsh -f zsh-tab.zsh <folder holding _wxpay> <output file> <command line> <compinit dump file>
# compinit autoloads _wxpay from the folder (as an installed completion); compadd is wrapped to record its matches.
# It reads its dump file, as a user's shell reads ~/.zcompdump: scanning the ~1,000 files of zsh's fpath without one
# costs ~1 CPU-s per shell, so the test makes the dump once, after _wxpay is in the folder (compinit rebuilds a dump
# only when the number of fpath files or zsh's version changed: an edited _wxpay alone would keep a stale one).
# Waits are event-driven: once the first matches are written (zle skips a completion while more input is waiting, so
# nothing may be typed before), the line is cleared (^U) and a command touches <output file>.done; the shell reads
# its input in order, so that file appears once the TAB's completion has finished. zselect (a builtin) paces the
# polling without starting a sleep process each time.
zmodload zsh/zpty zsh/zselect
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -d ${(q)4}"
zpty -w z "compadd() { if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi; local -a hits; builtin compadd -A hits \"\$@\"; (( \$#hits )) && print -rl -- \$hits >> ${(q)2}; return 1; }"
zpty -w z "bindkey '^I' complete-word"
zpty -w -n z "$3"$'\t'
for i in {1..1000}; do [[ -s $2 ]] && break; zselect -t 1; done
zpty -w -n z $'\C-u'
zpty -w z ": > ${(q)2}.done"
for i in {1..1000}; do [[ -e $2.done ]] && break; zselect -t 1; done
zpty -d z
