// Which Host headers name the sandbox (issue 12, DNS rebinding): the in-process tests listen on 127.0.0.1 only,
// so the other listening addresses (::1, a wildcard, a name, port 80) are checked here on the rule itself.
import { describe, expect, it } from 'vitest';
import { hostAllowed, hostRule } from '../../src/sandbox/web-guard.js';

const allowed = (listen: string, port: number, hosts: Array<string | undefined>) =>
  hosts.filter((h) => hostAllowed(h, hostRule(listen, port)));

describe('sandbox Host rule', () => {
  it('on 127.0.0.1: the loopback names with the port, nothing else', () => {
    const hosts = [
      '127.0.0.1:8931',
      'localhost:8931',
      'LOCALHOST:8931',
      '[::1]:8931',
      '[::1]',
      '::1:8931',
      '127.0.0.1',
      '127.0.0.1:8932',
      '10.0.0.5:8931',
      'attacker.example:8931',
      'localhost.:8931',
      '',
      undefined,
      'localhost:8931 ',
      'localhost:08931x',
    ];
    expect(allowed('127.0.0.1', 8931, hosts)).toEqual([
      '127.0.0.1:8931',
      'localhost:8931',
      'LOCALHOST:8931',
      '[::1]:8931',
    ]);
  });

  it('on ::1 or a host name: that address too', () => {
    expect(allowed('::1', 8931, ['[::1]:8931', '[0:0:0:0:0:0:0:1]:8931', 'localhost:8931'])).toEqual([
      '[::1]:8931',
      'localhost:8931',
    ]);
    expect(allowed('Dev-Box.local', 8931, ['dev-box.local:8931', 'other.local:8931'])).toEqual(['dev-box.local:8931']);
  });

  it('bound to all interfaces: any IP literal with the port (an address cannot be rebound), still no other name', () => {
    for (const listen of ['0.0.0.0', '::']) {
      expect(
        allowed(listen, 8931, [
          '192.168.1.20:8931',
          '[fe80::1]:8931',
          '192.168.1.20:80',
          'dev-box.local:8931',
          'attacker.example:8931',
          '127.0.0.1:8931',
        ]),
      ).toEqual(['192.168.1.20:8931', '[fe80::1]:8931', '127.0.0.1:8931']);
    }
  });

  it('on port 80 the port may be left out, as browsers do', () => {
    expect(allowed('127.0.0.1', 80, ['localhost', 'localhost:80', 'attacker.example', '127.0.0.1:8080'])).toEqual([
      'localhost',
      'localhost:80',
    ]);
  });
});
