// `wxpay bill` output selection: --format wins, else the --output extension, else csv (json under --json);
// --json without --output cannot carry a non-JSON format.
import { describe, expect, it } from 'vitest';
import { pickFormat } from '../../src/command-kit/bill-run.js';

describe('bill output format', () => {
  it('takes --format, else the extension of --output, else csv (json with --json and no file)', () => {
    expect(pickFormat({ format: 'raw', output: 'x.json' }, false)).toBe('raw');
    expect(pickFormat({ output: 'x.ndjson' }, false)).toBe('ndjson');
    expect(pickFormat({ output: 'x.JSONL' }, false)).toBe('ndjson');
    expect(pickFormat({ output: 'x.json' }, true)).toBe('json');
    expect(pickFormat({ output: 'bill.csv.gz' }, false)).toBe('raw');
    expect(pickFormat({ output: 'bill.txt' }, false)).toBe('csv');
    expect(pickFormat({}, false)).toBe('csv');
    expect(pickFormat({}, true)).toBe('json');
    expect(pickFormat({ output: 'x.csv' }, true)).toBe('csv');
  });

  it('refuses --json with a non-JSON format on stdout, and unknown formats (USAGE, exit 2)', () => {
    expect(() => pickFormat({ format: 'csv' }, true)).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2 }));
    expect(() => pickFormat({ format: 'xml' as never }, false)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
