// Code comments and docs cite the protocol as `docs/protocol.md §N`, a file every clone has. This test fails when a
// file points outside the repository (notes beside the clone that a user's clone lacks), when a `protocol §N` or a bare
// `§N` does not name its document, and when a `docs/protocol.md §N` names a section (or a quoted sub-heading such
// as §5 "Bills") that docs/protocol.md does not have.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const SCANNED_DIRS = ['src', 'test', 'bench', 'scripts'];
const SCANNED_FILES = ['README.md', 'BENCHMARKS.md'];
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|json|md)$/;
// This file spells out the forbidden forms in its own checks.
const SELF = path.join('test', 'unit', 'docs-links.test.ts');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(p).isDirectory() ? walk(p) : TEXT.test(name) ? [p] : [];
  });
}

const scanned = (): Array<{ file: string; text: string }> =>
  [...SCANNED_DIRS.flatMap((d) => walk(path.join(repoRoot, d))), ...SCANNED_FILES.map((f) => path.join(repoRoot, f))]
    .map((p) => ({ file: path.relative(repoRoot, p), text: readFileSync(p, 'utf8') }))
    .filter((f) => f.file !== SELF);

/** One section number, optionally with a quoted sub-heading: §5, §9.1, §5 "Bills". */
const SECTION = String.raw`§\s?(\d+(?:\.\d+)?)(?: "([^"\n]+)")?`;
/** Further numbers of the same citation: "§1, §2 and §8", "§1-3", "§5 or §8". */
const MORE = String.raw`(?:\s*(?:,\s*and|,|and|or|-|–|/)\s*(?:§\s?)?\d+(?:\.\d+)?(?: "[^"\n]+")?)*`;
const PROTOCOL_CITE = new RegExp(String.raw`docs/protocol\.md\s${SECTION}${MORE}`, 'g');
const ISSUE_CITE = new RegExp(String.raw`\bissue \d+\s${SECTION}${MORE}`, 'gi');

interface Finding {
  line: number;
  text: string;
  why: string;
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** References that point outside the repository, or a section sign that does not say which document it means. */
function unanchoredReferences(text: string): Finding[] {
  const out: Finding[] = [];
  const add = (index: number, length: number, why: string) =>
    out.push({ line: lineOf(text, index), text: text.slice(index, index + length), why });
  for (const m of text.matchAll(/(?:\.\.\/)+shared\b|\/work\/shared\b|\bshared\/(?:docs|vectors)\b/g))
    add(m.index, m[0].length, 'points outside the repository');
  for (const m of text.matchAll(/\bdesign\.md\b/g))
    add(m.index, m[0].length, 'design.md is not in the repository (docs/architecture.md is)');
  // Blank out the citations that name their document, keeping offsets; whatever § is left names none.
  const blanked = text
    .replace(PROTOCOL_CITE, (s) => ' '.repeat(s.length))
    .replace(ISSUE_CITE, (s) => ' '.repeat(s.length));
  for (const m of blanked.matchAll(/§\s?\d/g)) {
    const before = blanked.slice(Math.max(0, m.index - 30), m.index);
    const why = /protocol(?:\.md)?\s*$/i.test(before)
      ? 'cites the protocol without docs/protocol.md'
      : 'a § without its document (docs/protocol.md §N or issue N §M)';
    add(m.index, 12, why);
  }
  return out;
}

/** `## N. Title` headings of docs/protocol.md, each with its text up to the next `## `. */
function protocolSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = markdown.split(/^## /m).slice(1);
  for (const part of parts) {
    const m = /^(\d+)\. /.exec(part);
    if (m) sections.set(m[1]!, part);
  }
  return sections;
}

/** Every `docs/protocol.md §N` (and §N "Sub-heading") that names nothing in the document. */
function deadProtocolCitations(text: string, sections: Map<string, string>): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(PROTOCOL_CITE)) {
    for (const s of m[0].matchAll(/§\s?(\d+)(?:\.(\d+))?(?: "([^"\n]+)")?|(?<=[-–]\s*)(\d+)\b/g)) {
      const top = s[1] ?? s[4]!;
      const body = sections.get(top);
      const found =
        body !== undefined &&
        (s[2] === undefined || new RegExp(String.raw`^###+ ${top}\.${s[2]}\b`, 'm').test(body)) &&
        (s[3] === undefined || body.toLowerCase().includes(s[3].toLowerCase()));
      if (!found) out.push({ line: lineOf(text, m.index), text: s[0], why: `docs/protocol.md has no ${s[0]}` });
    }
  }
  return out;
}

describe('docs links', () => {
  const protocol = readFileSync(path.join(repoRoot, 'docs', 'protocol.md'), 'utf8');
  const sections = protocolSections(protocol);
  const files = scanned();

  it('docs/protocol.md numbers its sections 1, 2, 3, … without gaps (new ones go at the end)', () => {
    const numbers = [...sections.keys()].map(Number);
    expect(numbers.slice(0, 11)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(files.length).toBeGreaterThan(100);
  });

  it('the checker tells anchored citations from loose ones', () => {
    const ok =
      '// docs/protocol.md §1, §2 and §8; docs/protocol.md §5 "Bills"; issue 12 §1-3, §8; `docs/protocol.md §N`';
    expect(unanchoredReferences(ok)).toEqual([]);
    // The outside paths are assembled here so that this file does not itself name them (the repo-wide grep stays clean).
    const outside = ['..', 'shared'].join('/');
    const loose = [
      '// protocol §5',
      '// Protocol §8',
      '// see protocol.md §2',
      '// fields (§6)',
      `// ${outside}/docs/x.md`,
      ['', 'work', 'shared', 'vectors'].join('/'),
      '// design.md "Errors"',
    ];
    for (const line of loose) expect(unanchoredReferences(line), line).toHaveLength(1);
    const cited =
      'docs/protocol.md §2 and §99; docs/protocol.md §5 "Bills"; docs/protocol.md §5 "No such heading"; docs/protocol.md §9.1';
    expect(deadProtocolCitations(cited, sections).map((f) => f.text)).toEqual(['§99', '§5 "No such heading"', '§9.1']);
  });

  it('no file in src/, test/, bench/, scripts/ or the README refers outside the repository or to an unnamed §', () => {
    const bad = files.flatMap(({ file, text }) =>
      unanchoredReferences(text).map((f) => `${file}:${f.line}: ${f.why}: ${f.text.trim()}`),
    );
    expect(bad).toEqual([]);
  });

  it('relative links in README.md and docs/*.md point at files that exist', () => {
    const docs = [
      'README.md',
      ...readdirSync(path.join(repoRoot, 'docs'))
        .filter((n) => n.endsWith('.md'))
        .map((n) => path.join('docs', n)),
    ];
    const links = docs.flatMap((doc) =>
      [...readFileSync(path.join(repoRoot, doc), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^[a-z]+:/i.test(target))
        .map((target) => ({ doc, target })),
    );
    expect(links.length).toBeGreaterThan(3);
    const missing = links.filter(({ doc, target }) => !existsSync(path.join(repoRoot, path.dirname(doc), target)));
    expect(missing.map(({ doc, target }) => `${doc}: ${target}`)).toEqual([]);
  });

  it('every docs/protocol.md §N names a section (and sub-heading) that exists', () => {
    const cites = files.flatMap(({ text }) => [...text.matchAll(PROTOCOL_CITE)]);
    expect(cites.length).toBeGreaterThan(20);
    const dead = files.flatMap(({ file, text }) =>
      deadProtocolCitations(text, sections).map((f) => `${file}:${f.line}: ${f.why}`),
    );
    expect(dead).toEqual([]);
  });
});
