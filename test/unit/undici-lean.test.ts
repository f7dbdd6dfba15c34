// src/http/undici-lean.ts loads two files of undici instead of its index: its `request` must answer as the index's
// `request(url, opts)` does for what wxpay sends (method, path and query, body, headers, the dispatcher), and refuse
// what the index refuses. Each case sends the same request both ways to a local server and compares what it saw.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, errors, request as indexRequest, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envHttpProxyAgent, request as leanRequest, type RequestOptions } from '../../src/http/undici-lean.js';

type Seen = { method: string; url: string; body: string; header: string | undefined };

describe('undici-lean request', () => {
  let server: Server;
  let origin = '';
  const agent = new Agent({ keepAliveTimeout: 10 });
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const seen: Seen = { method: req.method!, url: req.url!, body, header: req.headers['x-case'] as string };
        res.writeHead(201, { 'Content-Type': 'application/json', 'Request-ID': 'rid-1' });
        res.end(JSON.stringify(seen));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((r) => server.close(r));
  });

  const both = async (url: string, opts: RequestOptions) => {
    const answers = [];
    for (const send of [
      leanRequest,
      indexRequest as (u: string, o: RequestOptions) => Promise<Dispatcher.ResponseData>,
    ]) {
      const res = await send(url, { ...opts, dispatcher: agent });
      answers.push({ status: res.statusCode, rid: res.headers['request-id'], seen: (await res.body.json()) as Seen });
    }
    return answers;
  };

  it.each<[string, string, RequestOptions, Seen]>([
    ['GET by default', '/v3/a?x=1&y=2#frag', {}, { method: 'GET', url: '/v3/a?x=1&y=2', body: '', header: undefined }],
    [
      'PUT when a body is given',
      '/v3/b',
      { body: 'hi' },
      { method: 'PUT', url: '/v3/b', body: 'hi', header: undefined },
    ],
    [
      'the method, headers and body given',
      '/v3/c',
      { method: 'POST', body: '{"a":1}', headers: { 'x-case': 'c' } },
      { method: 'POST', url: '/v3/c', body: '{"a":1}', header: 'c' },
    ],
  ])('%s: the same request as the index sends', async (_name, p, opts, want) => {
    const [lean, index] = await both(`${origin}${p}`, opts);
    expect(lean).toEqual({ status: 201, rid: 'rid-1', seen: want });
    expect(index).toEqual(lean);
  });

  it('uses undici global dispatcher when none is given', async () => {
    const res = await leanRequest(`${origin}/v3/global`, { method: 'DELETE' });
    expect(((await res.body.json()) as Seen).method).toBe('DELETE');
  });

  it('refuses a URL that is not http(s) with the index error class', () => {
    expect(() => leanRequest('ftp://127.0.0.1/x')).toThrow(errors.InvalidArgumentError);
    expect(() => indexRequest('ftp://127.0.0.1/x')).toThrow(errors.InvalidArgumentError);
  });

  it('envHttpProxyAgent makes the same agent class as the index exports', async () => {
    const { EnvHttpProxyAgent } = await import('undici');
    const made = envHttpProxyAgent({ httpProxy: '', httpsProxy: '', noProxy: '127.0.0.1' });
    expect(made).toBeInstanceOf(EnvHttpProxyAgent);
    const res = await leanRequest(`${origin}/v3/proxyless`, { dispatcher: made });
    expect(res.statusCode).toBe(201);
    await res.body.dump();
    await made.close();
  });

  // The index runs its own request code with the dispatcher as `this`, which needs only `dispatch`: a dispatcher of
  // another undici copy (createClient({ dispatcher }) is public) must not depend on that copy's prototype.
  it('works with a dispatcher that has only dispatch, as the index does', async () => {
    const bare = { dispatch: agent.dispatch.bind(agent) } as unknown as Dispatcher;
    const res = await leanRequest(`${origin}/v3/bare?x=1`, { dispatcher: bare });
    expect(((await res.body.json()) as Seen).url).toBe('/v3/bare?x=1');
  });
});
