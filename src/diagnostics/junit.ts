// JUnit XML for CI dashboards (`wxpay smoke --junit`): one <testsuite>, one <testcase> per check. JUnit has no
// "warning", so a warn is a passing case whose <system-out> starts with "WARN:"; a fail is a <failure>; a skip (a step
// `fixtures run` never reached) is a <skipped>.
// Text is escaped for XML 1.0, including the control characters XML cannot carry at all.

export interface JunitCase {
  name: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  message: string;
  /** The failure type, e.g. an error code. */
  type?: string;
  hint?: string;
  /** Extra lines for <system-out>. */
  output?: string[];
  ms: number;
}

export interface JunitSuite {
  name: string;
  /** ISO 8601 start time. */
  timestamp: string;
  properties?: Record<string, string>;
  cases: JunitCase[];
}

// XML 1.0 allows tab, LF, CR and U+0020 upward, minus lone surrogates and U+FFFE/U+FFFF.
const INVALID_XML =
  // eslint-disable-next-line no-control-regex -- the control characters XML forbids are what this finds
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function junitXml(suite: JunitSuite): string {
  const failures = suite.cases.filter((c) => c.status === 'fail').length;
  const skipped = suite.cases.filter((c) => c.status === 'skip').length;
  const totalMs = suite.cases.reduce((sum, c) => sum + c.ms, 0);
  const counts = `${attr('tests', suite.cases.length)}${attr('failures', failures)}${attr('errors', 0)}${attr('skipped', skipped)}${attr('time', seconds(totalMs))}`;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attr('name', suite.name)}${counts}>`];
  lines.push(`  <testsuite${attr('name', suite.name)}${counts}${attr('timestamp', suite.timestamp)}>`);
  const props = Object.entries(suite.properties ?? {});
  if (props.length) {
    lines.push('    <properties>');
    for (const [k, v] of props) lines.push(`      <property${attr('name', k)}${attr('value', v)}/>`);
    lines.push('    </properties>');
  }
  for (const c of suite.cases) {
    lines.push(`    <testcase${attr('name', c.name)}${attr('classname', suite.name)}${attr('time', seconds(c.ms))}>`);
    if (c.status === 'fail') {
      lines.push(
        `      <failure${attr('message', c.message)}${attr('type', c.type ?? 'FAIL')}>${xmlEscape(c.hint ?? c.message)}</failure>`,
      );
    }
    if (c.status === 'skip') lines.push(`      <skipped${attr('message', c.message)}/>`);
    const out = [
      ...(c.status === 'warn'
        ? [`WARN: ${c.message}${c.hint ? ` (${c.hint})` : ''}`]
        : c.status === 'pass'
          ? [c.message]
          : []),
      ...(c.output ?? []),
    ];
    if (out.length) lines.push(`      <system-out>${xmlEscape(out.join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
