// http/listen.ts: what the OS refuses becomes LISTEN_FAILED (exit 3) with a hint that names the way out. EACCES
// cannot be provoked when the suite runs as root, so the refusal is emitted by a stand-in listen().
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listenOn } from '../../src/http/listen.js';

function refusing(code: string) {
  const server = createServer();
  server.listen = (() => {
    queueMicrotask(() => server.emit('error', Object.assign(new Error(`listen ${code}`), { code })));
    return server;
  }) as typeof server.listen;
  return server;
}

describe('listenOn', () => {
  it('EACCES: LISTEN_FAILED naming the port, hint to choose another with --port', async () => {
    await expect(listenOn(refusing('EACCES'), 80, '127.0.0.1')).rejects.toMatchObject({
      code: 'LISTEN_FAILED',
      exitCode: 3,
      message: 'Cannot listen on 127.0.0.1:80: permission denied (EACCES)',
      hint: expect.stringContaining('--port'),
      details: { host: '127.0.0.1', port: 80, errno: 'EACCES' },
    });
  });

  it('an errno it has no words for still names the address', async () => {
    await expect(listenOn(refusing('EMFILE'), 8930, '127.0.0.1')).rejects.toMatchObject({
      code: 'LISTEN_FAILED',
      message: 'Cannot listen on 127.0.0.1:8930: listen EMFILE (EMFILE)',
    });
  });

  it('a port out of range is a usage error before anything is tried', async () => {
    for (const port of [-1, 65536, 1.5])
      await expect(listenOn(createServer(), port, '127.0.0.1')).rejects.toMatchObject({ code: 'USAGE', exitCode: 2 });
  });

  it('a free port: listening, and no error listener left behind', async () => {
    const server = createServer();
    await listenOn(server, 0, '127.0.0.1');
    expect(server.listening).toBe(true);
    expect(server.listenerCount('error')).toBe(0);
    await new Promise((r) => server.close(r));
  });
});
