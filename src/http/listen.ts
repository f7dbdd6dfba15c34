// Starting a server the way an operator can act on: a port that cannot be had is a typed error that names the
// address and the flag to change (LISTEN_FAILED, exit 3), never an INTERNAL "bug" or a process left hanging.
import type { Server } from 'node:net';
import { WxpayError, usageError } from '../protocol/errors.js';

const REASONS: Record<string, { why: string; hint: (port: number) => string }> = {
  EADDRINUSE: {
    why: 'the port is already in use',
    hint: (port) =>
      `Another process listens on port ${port} (another wxpay server?). Stop it, or pick another port with --port <n> (--port 0 takes a free one).`,
  },
  EACCES: {
    why: 'permission denied',
    hint: (port) =>
      `Ports below 1024 need privileges${port < 1024 ? '' : ' (or a policy forbids this port)'}. Pick another port with --port <n>, e.g. --port 8930.`,
  },
  EADDRNOTAVAIL: {
    why: "the address is not one of this machine's",
    hint: () => 'Give --host an address of this machine: 127.0.0.1 (the default) or 0.0.0.0 for every interface.',
  },
};

/** Listens on host:port, or throws: USAGE for a port out of range, LISTEN_FAILED for what the OS refused. */
export async function listenOn(server: Server, port: number, host: string): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw usageError(
      `--port must be between 0 and 65535, got ${port}`,
      'Pass --port as a number from 1 to 65535 (0 takes a free port).',
    );
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const errno = err.code ?? 'UNKNOWN';
      const reason = REASONS[errno];
      reject(
        new WxpayError('LISTEN_FAILED', `Cannot listen on ${host}:${port}: ${reason?.why ?? err.message} (${errno})`, {
          cause: err,
          hint: reason?.hint(port) ?? 'Check --host and --port.',
          details: { host, port, errno },
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
