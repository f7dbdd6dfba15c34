// Regression (stdout-epipe-crash): `wxpay sign … | head -1` closed the pipe early and the CLI died on an
// unhandled EPIPE with a stack trace. It now stops quietly.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';
import { vectorFile } from '../helpers/vectors.js';

describe('a closed stdout pipe', () => {
  it('ends the command quietly, without an EPIPE stack trace', async () => {
    const env = cleanEnv({
      WXPAY_MCHID: '1900007291',
      WXPAY_SERIAL_NO: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
      WXPAY_PRIVATE_KEY_PATH: vectorFile('doc_merchant_key.pem'),
    });
    for (let i = 0; i < 3; i++) {
      const child = spawn(
        'bash',
        [
          '-c',
          `"${process.execPath}" "${binPath}" sign GET /v3/refund/domestic/refunds/1 --timestamp 1554208460 | head -c 1 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`,
        ],
        { env },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise((r) => child.on('close', r));
      expect(stderr).not.toMatch(/EPIPE|Error/);
      expect(stderr).toMatch(/rc=0/);
    }
  });
});
