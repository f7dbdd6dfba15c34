// The static-file target of the bill benchmark (issue 19): answers the bill download (GET /v3/billdownload/file,
// whatever its token) with a pre-built gzip file and the headers the sandbox sends, and passes every other request
// (the signed apply call) through to the sandbox untouched. The apply answer's download_url is built from the Host
// header, so it points back here: the client's download is measured against a server that only copies bytes.
// The sandbox accepts only its own port in Host (DNS-rebinding guard), and the answer is signed, so nothing is
// rewritten: the sandbox listens on 127.0.0.2 and this server on 127.0.0.1 with the same port.
import { createReadStream, statSync } from 'node:fs';
import { createServer, request } from 'node:http';

export async function startStaticBillServer({ sandboxUrl, file }) {
  const size = statSync(file).size;
  const upstream = new URL(sandboxUrl);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url.startsWith('/v3/billdownload/file?')) {
      res.writeHead(200, { 'content-type': 'application/x-gzip', 'content-length': size });
      createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
      return;
    }
    const fwd = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on('error', (e) => res.destroy(e));
    req.pipe(fwd);
  });
  const { port } = upstream;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
