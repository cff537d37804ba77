// `npm run bench:relay` (and the end of `npm run bench`): the relay's intake, POST <base>/events, on its
// SQLite outbox, on PostgreSQL with one relay, and with three relays sharing the database. Each setup
// runs relay processes (the CLI, as a shop runs them) with the vendor stand-ins behind them, and
// CLIENTS clients posting batches of BATCH events from shoppers of their own, each batch to the next
// relay in turn; a request's latency is from its send to its answer, every event accepted. Writes
// bench/relay-intake.md and the "Relay intake" section of bench/results.md, and prints the table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { chunks, exited, postEvents, relayProcess, shopperEvents, startVendors, tempDb, testConfig, testEnv } from '../test/relay/harness';
import { createDatabase, freePort, startCluster } from '../test/pg/cluster';

/** Events per setup, clients posting at once, events a request (the browser sends up to 100). */
const EVENTS = Number(process.env.BENCH_RELAY_EVENTS) || 20_000;
const CLIENTS = 16;
const BATCH = 20;
/** Requests of each setup not measured: connections, caches and the JIT warm up. */
const WARMUP_REQUESTS = 50;

interface Row {
  setup: string;
  relays: number;
  events: number;
  perSecond: number;
  p50: number;
  p99: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function measure(setup: string, relays: number, extraEnv: () => Promise<{ [k: string]: string }>): Promise<Row> {
  const vendors = await startVendors();
  const procs: ReturnType<typeof relayProcess>[] = [];
  try {
    const ports = await Promise.all(Array.from({ length: relays }, () => freePort()));
    for (const port of ports) procs.push(relayProcess({ ...testEnv({ ...testConfig(vendors), port, dbPath: tempDb() }), ...(await extraEnv()) }));
    await Promise.all(procs.map((p) => p.ready));
    const batches = chunks(
      Array.from({ length: Math.ceil(EVENTS / 100) }, (_, s) => shopperEvents(s, 100)).flat(),
      BATCH,
    );
    const warm = chunks(
      Array.from({ length: WARMUP_REQUESTS }, (_, s) => shopperEvents(100_000 + s, BATCH)).flat(),
      BATCH,
    );
    let turn = 0;
    const base = () => 'http://127.0.0.1:' + ports[turn++ % ports.length];
    const run = async (list: typeof batches, latencies?: number[]) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < list.length) {
            const b = list[next++];
            const t = performance.now();
            const a = await postEvents(base(), b);
            latencies?.push(performance.now() - t);
            if (a.status != 200 || a.results!.some((r) => r.status != 'accepted')) throw new Error(setup + ': a batch was not accepted: ' + a.status + ' ' + a.body.slice(0, 200));
          }
        }),
      );
    };
    await run(warm);
    const latencies: number[] = [];
    const t0 = performance.now();
    await run(batches, latencies);
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const events = batches.reduce((n, b) => n + b.length, 0);
    return { setup, relays, events, perSecond: Math.round(events / seconds), p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => exited(p.child)));
    await vendors.close();
  }
}

// Other work on the machine slows every setup alike; the load at the start says how much there was.
const loadAtStart = loadavg()[0];
const rows: Row[] = [];
rows.push(await measure('SQLite', 1, async () => ({})));
const cluster = await startCluster();
try {
  const one = await createDatabase(cluster.url);
  rows.push(await measure('PostgreSQL', 1, async () => ({ SHOPTRACK_RELAY_STORE_URL: one })));
  const shared = await createDatabase(cluster.url);
  rows.push(await measure('PostgreSQL', 3, async () => ({ SHOPTRACK_RELAY_STORE_URL: shared })));
} finally {
  cluster.stop();
}

const table = [
  '| outbox | relays | events | events/s | p50 ms | p99 ms |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.setup} | ${r.relays} | ${r.events.toLocaleString('en')} | ${r.perSecond.toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`),
].join('\n');
const machine = `${cpus()[0].model}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB; node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start; ${new Date().toISOString()}`;
const section = [
  '## Relay intake',
  '',
  `POST <base>/events through the relay CLI with the Quarticon and Aqurate stand-ins behind it: ${CLIENTS} clients, ${BATCH} events a request, ` +
    `each request to the next relay in turn, every event accepted (durable before the answer: SQLite synchronous=FULL, PostgreSQL's commit). ` +
    `Latency per request; ${WARMUP_REQUESTS} warm-up requests not counted. The PostgreSQL cluster is the tests' throwaway one (fsync off), on the same machine. \`bench/relay-intake.ts\`.`,
  '',
  table,
  '',
  machine + '.',
  '',
].join('\n');
writeFileSync('bench/relay-intake.md', '# Relay intake\n\n' + section.split('\n').slice(2).join('\n'));
// bench/run.ts writes results.md anew; this section goes after it, replacing an earlier one.
const results = existsSync('bench/results.md') ? readFileSync('bench/results.md', 'utf8') : '';
const start = results.indexOf('## Relay intake');
const end = start < 0 ? -1 : results.indexOf('\n## ', start + 1);
const kept = start < 0 ? results.trimEnd() + '\n\n' : results.slice(0, start) + (end < 0 ? '' : results.slice(end + 1).trimEnd() + '\n\n');
writeFileSync('bench/results.md', kept + section);
console.log(table + '\n\n' + machine);
console.log('Written: bench/relay-intake.md, and the "Relay intake" section of bench/results.md');
process.exit(0);
