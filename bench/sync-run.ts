// The sync engine end to end, for the bench (npm run bench:sync), the soak (npm run test:sync-soak)
// and its small version in the relay tests: write a catalog and an order history as JSON Lines, import
// them with the CLI into the relay's SQLite file, and let the relay process deliver them to the DataCue
// stand-in, SIGKILLing the relay `kills` times on the way. Peak RSS is read from /proc while it runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datacueBackendStandIn } from '../demo/standins/datacue-backend';

const KEY = 'bench-key';
const SECRET = 'bench-secret-0123456789';

export interface SyncRunOptions {
  orders: number;
  products: number;
  /** SIGKILLs of the relay while it delivers (each at an equal share of the records). */
  kills: number;
  /** POST /events figures: requests and events in each. */
  eventRequests?: number;
  eventsPerRequest?: number;
  log?: (line: string) => void;
  /** Run the built `dist/relay-cli.js` (what `npx shoptrack-relay` runs) instead of the TypeScript source. */
  dist?: boolean;
}

export interface SyncRunResult {
  records: number;
  import: { seconds: number; perSecond: number; peakRssMb: number; output: string };
  deliver: { seconds: number; perSecond: number; peakRssMb: number };
  /** Records the stand-in holds, and records it accepted more than once (resent after a kill). */
  delivered: number;
  missing: string[];
  duplicates: number;
  /** POST /events: events a second, latency p50 and p99 in ms. */
  events?: { perSecond: number; p50: number; p99: number; requests: number };
}

const freePort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
};

/** The largest resident set a process had, polled from /proc (kB -> MB). */
function watchRss(child: ChildProcess): { peak(): number; stop(): void } {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/' + child.pid + '/status', 'utf8'));
      if (m) peak = Math.max(peak, +m[1] / 1024);
    } catch {
      // The process has ended.
    }
  };
  const timer = setInterval(read, 50);
  return { peak: () => (read(), peak), stop: () => clearInterval(timer) };
}

async function write(path: string, count: number, line: (i: number) => object): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) if (!out.write(JSON.stringify(line(i)) + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise((r) => out.end(r));
}

const product = (i: number) => ({
  product_id: 'p' + i,
  name: 'Product ' + i,
  link: '/product/p' + i,
  photo_url: '/img/p' + i + '.jpg',
  categories: [{ category_id: 'c' + (i % 40), name: 'Category ' + (i % 40) }],
  variants: [{ variant_id: 'v1', price: 10 + (i % 90), stock: i % 7 }],
});
const order = (i: number) => ({
  order_id: 'o' + i,
  customer_id: 'u' + (i % 5000),
  status: 'completed',
  created_at: new Date(Date.UTC(2024, 0, 1) + i * 60000).toISOString(),
  currency: 'EUR',
  lines: [
    { product_id: 'p' + (i % 1000), variant_id: 'v1', quantity: 1 + (i % 3), unit_price: 19.9 },
    { product_id: 'p' + ((i * 7) % 1000), variant_id: 'v1', quantity: 1, unit_price: 5 },
  ],
});

export async function syncRun(o: SyncRunOptions): Promise<SyncRunResult> {
  const log = o.log || (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'shoptrack-sync-run-'));
  const stand = datacueBackendStandIn(KEY, SECRET);
  await stand.start(0);
  // The stand-in keeps counts, not every request's body: 120,000 records would weigh on the test.
  stand.received.push = () => 0;
  const port = await freePort();
  const env = {
    ...process.env,
    SHOPTRACK_RELAY_PORT: String(port),
    SHOPTRACK_RELAY_DB_PATH: join(dir, 'relay.sqlite'),
    SHOPTRACK_RELAY_DATACUE_API_URL: stand.url,
    SHOPTRACK_RELAY_DATACUE_API_KEY: KEY,
    SHOPTRACK_RELAY_DATACUE_API_SECRET: SECRET,
    SHOPTRACK_RELAY_RATE_LIMIT_PER_MINUTE: '10000000',
    SHOPTRACK_RELAY_RATE_LIMIT_BURST: '100000',
  };
  const entry = o.dist ? ['dist/relay-cli.js'] : ['--import', 'tsx', 'src/relay/cli.ts'];
  const cli = (args: string[]) => spawn(process.execPath, [...entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const finished = (child: ChildProcess) => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  try {
    const ordersFile = join(dir, 'orders.jsonl');
    const productsFile = join(dir, 'products.jsonl');
    await write(productsFile, o.products, product);
    await write(ordersFile, o.orders, order);
    const records = o.orders + o.products;
    log('wrote ' + records + ' records');

    // Import, with no relay running: parsing, checking and queueing alone.
    let output = '';
    let importSeconds = 0;
    let importPeak = 0;
    for (const [kind, file] of [['products', productsFile], ['orders', ordersFile]]) {
      const t0 = performance.now();
      const child = cli(['import', kind, file]);
      const rss = watchRss(child);
      child.stderr!.on('data', (c) => (output += c));
      const code = await finished(child);
      importSeconds += (performance.now() - t0) / 1000;
      importPeak = Math.max(importPeak, rss.peak());
      rss.stop();
      if (code !== 0) throw new Error('import ' + kind + ' exited with ' + code + ':\n' + output.slice(-2000));
    }
    log('imported in ' + importSeconds.toFixed(1) + ' s');

    // Delivery, with the relay killed on the way.
    const t0 = performance.now();
    let relayPeak = 0;
    const startRelayProcess = async () => {
      const child = cli([]);
      const rss = watchRss(child);
      let err = '';
      child.stderr!.on('data', (c) => (err += c));
      for (let i = 0; i < 400 && !err.includes('listening'); i++) await new Promise((r) => setTimeout(r, 25));
      if (!err.includes('listening')) throw new Error('the relay did not start:\n' + err.slice(-2000));
      return { child, rss };
    };
    let relay = await startRelayProcess();
    const held = () => stand.products.size + stand.orders.size;
    for (let k = 1; k <= o.kills; k++) {
      const at = Math.floor((records * k) / (o.kills + 1));
      while (held() < at) await new Promise((r) => setTimeout(r, 5));
      relay.child.kill('SIGKILL');
      await finished(relay.child);
      relayPeak = Math.max(relayPeak, relay.rss.peak());
      relay.rss.stop();
      log('killed the relay at ' + held() + ' records');
      relay = await startRelayProcess();
    }
    const deadline = Date.now() + 10 * 60 * 1000;
    while (held() < records && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const deliverSeconds = (performance.now() - t0) / 1000;
    log('delivered in ' + deliverSeconds.toFixed(1) + ' s');

    // The relay's event intake, on the same relay.
    let events: SyncRunResult['events'];
    if (o.eventRequests) {
      const per = o.eventsPerRequest || 10;
      const latencies: number[] = [];
      const t1 = performance.now();
      let n = 0;
      const worker = async () => {
        while (n < o.eventRequests!) {
          const r = n++;
          const batch = Array.from({ length: per }, (_, i) => ({
            id: 'bench-' + r + '-' + i,
            ts: Date.now(),
            aid: 'aid-' + (r % 100),
            sid: 'sid-' + (r % 100),
            uid: null,
            url: 'http://127.0.0.1/product',
            e: { type: 'pageview', subtype: 'product', product_id: 'p' + i },
          }));
          const s = performance.now();
          const res = await fetch('http://127.0.0.1:' + port + '/relay/events', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify({ events: batch }) });
          await res.text();
          if (res.status != 200) throw new Error('POST /events answered ' + res.status);
          latencies.push(performance.now() - s);
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      const seconds = (performance.now() - t1) / 1000;
      latencies.sort((a, b) => a - b);
      const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
      events = { perSecond: (o.eventRequests * per) / seconds, p50: q(0.5), p99: q(0.99), requests: o.eventRequests };
    }

    relay.child.kill('SIGTERM');
    await finished(relay.child);
    relayPeak = Math.max(relayPeak, relay.rss.peak());
    relay.rss.stop();

    const missing: string[] = [];
    for (let i = 0; i < o.products && missing.length < 20; i++) if (!stand.products.has('p' + i + '/v1')) missing.push('p' + i);
    for (let i = 0; i < o.orders && missing.length < 20; i++) if (!stand.orders.has('o' + i)) missing.push('o' + i);
    let duplicates = 0;
    for (const n of stand.posted.values()) duplicates += n - 1;
    return {
      records,
      import: { seconds: importSeconds, perSecond: records / importSeconds, peakRssMb: importPeak, output },
      deliver: { seconds: deliverSeconds, perSecond: records / deliverSeconds, peakRssMb: relayPeak },
      delivered: held(),
      missing,
      duplicates,
      events,
    };
  } finally {
    await stand.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
