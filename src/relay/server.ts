// The relay on its own port: a Node http server around the handler, for `npx shoptrack-relay`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayConfig } from './config';
import { type Relay, type RelayOptions, createRelay } from './handler';

export interface RunningRelay {
  relay: Relay;
  /** http://host:port, without the base path. */
  url: string;
  port: number;
  /** Stops listening, then closes the relay (requests in flight finish first). */
  close(): Promise<void>;
}

export async function startRelay(config: RelayConfig, opts: RelayOptions = {}): Promise<RunningRelay> {
  const relay = createRelay(config, opts);
  const server = createServer((req, res) => relay.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    relay,
    port,
    url: 'http://' + (config.host.includes(':') ? '[' + config.host + ']' : config.host) + ':' + port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await relay.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
