// Issue 22: docs/protocol.md §11 "Fidelity model" declares what the sandbox answers; this checks the declaration
// against the code, so neither can change alone. Length rules against the request schemas, time rules against the
// constants, and the error-code table against every code the /v3 handlers can throw (both ways).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAY_WINDOW_MS, TIME_EXPIRE_MAX_MS, TIME_EXPIRE_MIN_MS } from '../../src/sandbox/order-times.js';
import { DEFAULT_REFUND_SPACING_MS } from '../../src/sandbox/refund-ops.js';
import { DOWNLOAD_TTL_MS } from '../../src/sandbox/routes/bills.js';
import { outTradeNoInPath, prepaySchema, refundSchema } from '../../src/sandbox/schemas.js';
import type { Schema } from '../../src/sandbox/validate.js';
import { SandboxApiError } from '../../src/sandbox/api-error.js';

const doc = readFileSync(path.join(__dirname, '../../docs/protocol.md'), 'utf8');
const model = doc.slice(doc.indexOf('### Fidelity model'));

/** The rows of the markdown table whose header line starts with `header`. */
function table(header: string): string[][] {
  const lines = model.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start, header).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const fieldsOf = (s: Schema): Record<string, Schema> => (s.type === 'object' ? s.fields : {});

describe('docs/protocol.md §11 fidelity model matches the sandbox', () => {
  it('length rules: unit, min and max of every listed field', () => {
    const rows = table('| endpoint | field | unit | min | max | source |');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const [endpoint, field, unit, min, max] of rows) {
      const where = `${endpoint} ${field}`;
      if (endpoint!.includes('(path)')) {
        expect(() => outTradeNoInPath('A'.repeat(Number(min) - 1)), where).toThrow(SandboxApiError);
        expect(outTradeNoInPath('A'.repeat(Number(min))), where).toHaveLength(Number(min));
        expect(outTradeNoInPath('A'.repeat(Number(max))), where).toHaveLength(Number(max));
        expect(() => outTradeNoInPath('A'.repeat(Number(max) + 1)), where).toThrow(SandboxApiError);
        continue;
      }
      const schema = endpoint === 'prepay' ? prepaySchema('jsapi', false) : refundSchema;
      const rule = fieldsOf(schema)[field!];
      expect(rule?.type, where).toBe('string');
      if (rule?.type !== 'string') continue;
      expect(rule.unit ?? 'bytes', where).toBe(unit);
      expect(rule.min, where).toBe(min === '-' ? undefined : Number(min));
      expect(rule.max, where).toBe(Number(max));
    }
  });

  it('time rules: every constant has the declared value', () => {
    const constants: Record<string, number> = {
      TIME_EXPIRE_MIN_MS,
      TIME_EXPIRE_MAX_MS,
      DEFAULT_PAY_WINDOW_MS,
      refundSpacingMs: DEFAULT_REFUND_SPACING_MS,
      DOWNLOAD_TTL_MS,
    };
    const rows = table('| rule | ms | where | source |');
    expect(rows.map((r) => r[2]!.replace(/`/g, '').split(' ')[0])).toEqual(Object.keys(constants));
    for (const [rule, ms, where] of rows)
      expect(constants[where!.replace(/`/g, '').split(' ')[0]!], rule).toBe(Number(ms));
  });

  it('error codes: every code a /v3 handler throws is declared with its status, and every declared one exists', () => {
    const declared = new Set(table('| endpoint | status | code | when | source |').map((r) => `${r[1]} ${r[2]}`));
    const helpers: Record<string, string> = {
      invalidRequest: '400 INVALID_REQUEST',
      resourceNotExists: '404 RESOURCE_NOT_EXISTS',
      orderNotExist: '404 ORDER_NOT_EXIST',
      frequencyLimited: '429 FREQUENCY_LIMITED',
      systemError: '500 SYSTEM_ERROR',
      paramError: '400 PARAM_ERROR',
      signError: '401 SIGN_ERROR',
    };
    const dir = path.join(__dirname, '../../src/sandbox');
    const files = [
      'request-handler.ts',
      'auth.ts',
      'orders.ts',
      'refund-ops.ts',
      'order-times.ts',
      'validate.ts',
      'param-rules.ts',
      'combine.ts',
    ]
      .map((f) => path.join(dir, f))
      .concat(
        readdirSync(path.join(dir, 'routes'))
          // Control-API modules (*admin.ts) are the sandbox's own; every /v3 family declares its codes here.
          .filter((f) => !f.endsWith('admin.ts') && f !== 'index.ts')
          .map((f) => path.join(dir, 'routes', f)),
      );
    const thrown = new Set<string>();
    for (const file of files) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/new SandboxApiError\(\s*(\d+),\s*'([A-Z_]+)'/g))
        if (m[2] !== 'INVALID_STATE') thrown.add(`${m[1]} ${m[2]}`); // 409 INVALID_STATE: the admin API's own
      for (const [name, pair] of Object.entries(helpers)) if (new RegExp(`\\b${name}\\(`).test(src)) thrown.add(pair);
    }
    for (const pair of thrown) expect(declared, `thrown but not declared: ${pair}`).toContain(pair);
    for (const pair of declared) expect(thrown, `declared but never thrown: ${pair}`).toContain(pair);
  });
});
