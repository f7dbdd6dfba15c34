// Reads the README's ```sh checked blocks (with the heading above each) and splits a checked line into shell
// words, for readme-commands.test.ts. Deliberately tiny: checked lines take no pipes, redirections or variables.

export interface CheckedBlock {
  heading: string;
  lines: string[];
}

export function checkedBlocks(text: string): CheckedBlock[] {
  const blocks: CheckedBlock[] = [];
  let heading = '';
  let inBlock: CheckedBlock | undefined;
  let fence = false;
  for (const line of text.split('\n')) {
    if (!fence && /^#{1,4} /.test(line)) heading = line.replace(/^#+ /, '');
    if (line.startsWith('```')) {
      if (fence) {
        if (inBlock) blocks.push(inBlock);
        inBlock = undefined;
        fence = false;
      } else {
        fence = true;
        if (/^```sh checked\s*$/.test(line)) inBlock = { heading, lines: [] };
      }
      continue;
    }
    if (inBlock) inBlock.lines.push(line);
  }
  for (const b of blocks)
    b.lines = b.lines
      .join('\n')
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .filter((l) => l.trim());
  return blocks;
}

/** Shell words with '…' and "…" quoting; a "#" outside quotes after a space starts a comment. No expansion. */
export function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '#' && !has && (i === 0 || /\s/.test(line[i - 1]!))) {
      return { words, comment: line.slice(i + 1).trim() };
    } else if (/\s/.test(ch)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      if (ch === '$' || ch === '|' || ch === '>' || ch === '<' || ch === ';')
        throw new Error(`checked lines take no shell syntax: ${line}`);
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new Error(`unclosed quote: ${line}`);
  if (has) words.push(cur);
  return { words, comment: '' };
}

/** The rows of the first table under a heading, cells trimmed, header and |---| line dropped. */
export function tableUnder(text: string, heading: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.replace(/^#+ /, '') === heading && /^#{1,6} /.test(l));
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const rows: string[][] = [];
  for (const l of lines.slice(start + 1)) {
    if (/^#{1,6} /.test(l)) break;
    if (l.startsWith('|'))
      rows.push(
        l
          .slice(1, l.endsWith('|') ? -1 : undefined)
          .split(' | ')
          .map((c) => c.trim().replace(/^\| ?| ?\|$/g, '')),
      );
    else if (rows.length) break;
  }
  return rows.slice(2);
}
