// Nothing lost, nothing twice: a relay closed or killed and restarted mid-stream on the same outbox, and
// a burst of 1,000 events from 20 shoppers that reaches Aqurate complete at one request a second at most.
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/events/types';
import { createLog } from '../../src/relay/log';
import { type RunningRelay, startRelay } from '../../src/relay/server';
import { type Vendors, chunks, deliver, drained, exited, expectedAtVendors, relayProcess, shopperEvents, startVendors, tally, testConfig, testEnv, until } from './harness';

let v: Vendors;
beforeAll(async () => {
  v = await startVendors();
});
afterEach(() => {
  v.quarticon.clear();
  v.aqurate.clear();
});
afterAll(() => v.close());

const quiet = createLog([], () => {});
/** Each test runs a relay through hundreds of events and restarts: seconds of work on a busy 2-core machine. */
const SLOW_MS = 60_000;

const expected = (events: TrackedEvent[]) => expectedAtVendors(events, 'demo-shop');
const receivedQ = () => v.quarticon.events().map((b) => JSON.stringify(b)).sort();
const receivedA = () => v.aqurate.rows().map((r) => JSON.stringify(r)).sort();

describe('restart mid-stream', () => {
  it('a relay closed and reopened on the same outbox loses nothing and sends nothing twice', async () => {
    const config = testConfig(v);
    const events = Array.from({ length: 4 }, (_, s) => shopperEvents(s, 60)).flat();
    const batches = chunks(events, 20);
    let relay: RunningRelay = await startRelay(config, { log: quiet });
    const sent = deliver(() => relay.url, batches);
    // Close while the vendors are still being sent to; the client retries what the closing relay refuses.
    await until('a third of the events forwarded', () => v.quarticon.events().length > 20);
    const atClose = v.quarticon.events().length;
    await relay.close();
    relay = await startRelay({ ...config, port: 0 }, { log: quiet });
    const counts = await sent;
    // The browser's beacons are resent after a reload: the first batches arrive a second time.
    const again = await deliver(() => relay.url, batches.slice(0, 3));
    const want = expected(events);
    await until('every event at both vendors', () => v.quarticon.events().length >= want.q.length && v.aqurate.rows().length >= want.a.length, 30000);
    await drained(relay.url);
    await relay.close();
    console.log(`restart (close/reopen): ${events.length} events, closed with ${atClose}/${want.q.length} Quarticon events sent; after: Quarticon ${receivedQ().length}/${want.q.length}, Aqurate rows ${receivedA().length}/${want.a.length}; resent ${again.duplicate} answered duplicate`);
    expect(atClose).toBeLessThan(want.q.length);
    expect(counts.accepted + counts.duplicate).toBe(events.length);
    expect(again).toEqual({ accepted: 0, duplicate: 60 });
    expect(receivedQ()).toEqual(want.q);
    expect(receivedA()).toEqual(want.a);
  }, SLOW_MS);

  async function freePort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    return port;
  }

  const cli = relayProcess;

  it('the relay process stopped with SIGTERM and started again loses nothing and sends nothing twice', async () => {
    const config = { ...testConfig(v), port: await freePort() };
    const env = testEnv(config);
    const base = 'http://127.0.0.1:' + config.port;
    const events = Array.from({ length: 4 }, (_, s) => shopperEvents(100 + s, 50)).flat();
    let p = cli(env);
    await p.ready;
    const sent = deliver(() => base, chunks(events, 10));
    await until('some events forwarded', () => v.quarticon.events().length > 15);
    const atKill = v.quarticon.events().length;
    p.child.kill('SIGTERM');
    await exited(p.child);
    // The client keeps trying while the relay is down (connection refused), then gets through.
    await new Promise((r) => setTimeout(r, 300));
    p = cli(env);
    await p.ready;
    await sent;
    const want = expected(events);
    await until('every event at both vendors', () => v.quarticon.events().length >= want.q.length && v.aqurate.rows().length >= want.a.length, 30000);
    await drained(base);
    p.child.kill('SIGTERM');
    await exited(p.child);
    console.log(`restart (SIGTERM): killed with ${atKill}/${want.q.length} Quarticon events sent; after: Quarticon ${receivedQ().length}/${want.q.length}, Aqurate rows ${receivedA().length}/${want.a.length}`);
    expect(atKill).toBeLessThan(want.q.length);
    expect(receivedQ()).toEqual(want.q);
    expect(receivedA()).toEqual(want.a);
  }, SLOW_MS);

  it('the relay process killed with SIGKILL loses nothing; only a request in flight at the kill may reach a vendor twice, and the restart says so', async () => {
    const config = { ...testConfig(v), port: await freePort() };
    const env = testEnv(config);
    const base = 'http://127.0.0.1:' + config.port;
    const events = Array.from({ length: 4 }, (_, s) => shopperEvents(200 + s, 50)).flat();
    let p = cli(env);
    await p.ready;
    const sent = deliver(() => base, chunks(events, 10));
    await until('some events forwarded', () => v.quarticon.events().length > 15);
    p.child.kill('SIGKILL');
    await exited(p.child);
    p = cli(env);
    await p.ready;
    await sent;
    const want = expected(events);
    await until('every event at both vendors', () => new Set(receivedQ()).size >= want.q.length && new Set(receivedA()).size >= want.a.length, 30000);
    await drained(base);
    p.child.kill('SIGTERM');
    await exited(p.child);
    const restartLine = p.log.find((l) => l.includes('in flight when it stopped'));
    const interrupted = restartLine ? Number(/with (\d+) job/.exec(restartLine)![1]) : 0;
    const doubledQ = [...tally(receivedQ()).values()].filter((n) => n > 1).length;
    const doubledA = receivedA().length - new Set(receivedA()).size;
    console.log(`restart (SIGKILL): Quarticon ${new Set(receivedQ()).size}/${want.q.length} distinct, ${doubledQ} doubled; Aqurate rows ${new Set(receivedA()).size}/${want.a.length} distinct, ${doubledA} doubled; jobs in flight at the kill: ${interrupted}`);
    expect([...new Set(receivedQ())].sort()).toEqual([...new Set(want.q)].sort());
    expect([...new Set(receivedA())].sort()).toEqual([...new Set(want.a)].sort());
    expect(doubledQ + doubledA).toBeLessThanOrEqual(interrupted);
  }, SLOW_MS);
});

describe('burst', () => {
  it('1,000 events from 20 shoppers reach the Aqurate stand-in complete, never two requests within a second', async () => {
    const relay = await startRelay(testConfig(v), { log: quiet });
    const shoppers = Array.from({ length: 20 }, (_, s) => shopperEvents(300 + s, 50));
    const t0 = Date.now();
    await Promise.all(shoppers.map((evs) => deliver(() => relay.url, chunks(evs, 10))));
    const want = expected(shoppers.flat());
    await until('every row at Aqurate', () => v.aqurate.rows().length >= want.a.length, 20000);
    const done = Date.now() - t0;
    // Before the close: a closed relay sends nothing more, so Quarticon's last requests must be in.
    await until('every event at Quarticon', () => v.quarticon.events().length >= want.q.length);
    await drained(relay.url);
    await relay.close();
    const times = v.aqurate.postTimes();
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    console.log(`burst: 1000 events, ${want.a.length} Aqurate rows in ${times.length} requests over ${done} ms; gaps between requests ${gaps.join(', ')} ms (min ${Math.min(...gaps)})`);
    expect(receivedA()).toEqual(want.a);
    expect(v.aqurate.received.every((r) => r.status == 200)).toBe(true);
    expect(times.length).toBeGreaterThan(1);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    expect(receivedQ()).toEqual(want.q);
  }, SLOW_MS);
});
