// The bench baseline for webhook-throughput.mjs: a bare node:http handler that only verifies and decrypts
// (core verifyAndDecrypt, no journal, no dedup). Usage: node bench/webhook-bare.mjs <sandbox-dir>; prints its URL.
import { createServer } from 'node:http';
import { createKeyStore } from '../dist/protocol/keys.js';
import { verifyAndDecrypt } from '../dist/protocol/notification.js';
import { loadSandboxKeys } from '../dist/sandbox/keyset.js';

const sb = await loadSandboxKeys(process.argv[2]);
const keys = createKeyStore([[sb.publicKeyId, sb.publicKey]]);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      verifyAndDecrypt({
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
        keys,
        apiV3Key: sb.apiV3Key,
        now: Math.floor(Date.now() / 1000),
      });
      res.writeHead(204).end();
    } catch {
      res.writeHead(401).end();
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/` })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
