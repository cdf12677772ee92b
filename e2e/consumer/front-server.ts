/**
 * The consumer apps' web server in the tests: serves a folder as a plain static host (no COOP/COEP, so the
 * page is not cross-origin isolated) or forwards everything to an app's own dev server (HTTP and the HMR
 * WebSocket), and answers `/api/token` with what `token()` gives (the app's backend: `@sotto/agent/token`).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export type Upstream = { dir: string } | { port: number };

export interface FrontServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port; `token()` answers `/api/token` (JSON). */
export async function startFrontServer(upstream: Upstream, token: () => Promise<unknown>): Promise<FrontServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    if (path === '/api/token') {
      token()
        .then((body) => {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
          res.end(JSON.stringify(body));
        })
        .catch((e: unknown) => {
          res.writeHead(502);
          res.end(String(e));
        });
      return;
    }
    if (path === '/favicon.ico') {
      // The browser asks for one; the quick start has none (a 404 here would read as an app error).
      res.writeHead(204);
      res.end();
      return;
    }
    if ('port' in upstream) {
      const fwd = request(
        { host: '127.0.0.1', port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on('error', () => res.destroy());
      req.pipe(fwd);
      return;
    }
    const rel = normalize(path.endsWith('/') ? `${path}index.html` : path);
    const file = join(upstream.dir, rel);
    if (!file.startsWith(upstream.dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
  });
  if ('port' in upstream) {
    // Vite's HMR client connects back to this host: pass the upgrade through as raw bytes.
    server.on('upgrade', (req, socket, head) => {
      const up = connect(upstream.port, '127.0.0.1', () => {
        const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        up.write(`${lines.join('\r\n')}\r\n\r\n`);
        up.write(head);
        up.pipe(socket).pipe(up);
      });
      up.on('error', () => socket.destroy());
      socket.on('error', () => up.destroy());
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
