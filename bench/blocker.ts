// Keeps every SDK off the internet without touching its requests to 127.0.0.1: each browser context uses
// this as its proxy (loopback bypasses it), and it refuses whatever reaches it and records the host.
// Not page.route(): Playwright's routing pauses every request in Node and answers CORS preflights itself,
// which would slow the peers that send one request per event and hide preflights from the collector.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Blocker {
  server: string;
  /** Everything a page tried to reach outside 127.0.0.1 since the last take(). */
  take(): string[];
  close(): Promise<void>;
}

export async function startBlocker(): Promise<Blocker> {
  let tried: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    tried.push(req.method + ' ' + req.url);
    res.statusCode = 403;
    res.end();
  });
  server.on('connect', (req, socket: Socket) => {
    tried.push('CONNECT ' + req.url);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server: 'http://127.0.0.1:' + (server.address() as AddressInfo).port,
    take: () => {
      const t = tried;
      tried = [];
      return t;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
