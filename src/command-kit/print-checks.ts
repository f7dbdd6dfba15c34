// The one printer of check results (config check, config init, smoke): a mark, the name and message, and the hint
// under anything that did not pass.
import type { CheckResult } from '../diagnostics/checks.js';
import type { Output } from '../render.js';

export function printChecks(out: Output, checks: readonly CheckResult[]): void {
  const c = out.color;
  const mark = { pass: c.green('✔ pass'), warn: c.yellow('! warn'), fail: c.red('✖ fail') };
  for (const r of checks) {
    out.line(`${mark[r.status]}  ${r.name}: ${r.message}`);
    if (r.hint && r.status !== 'pass') out.line(`        ${c.dim(r.hint)}`);
  }
}
