// @vitest-environment node
// One contract, two stores: every test here runs against the SQLite store and the PostgreSQL store, so
// they cannot drift. The tests of several relays on one store run where the store is shared (PostgreSQL).
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { TrackedEvent } from '../../src/events/types';
import { type Planner, type RelayStore, sqliteStore } from '../../src/relay/store';
import { PG_SCHEMA_VERSION, pgStore } from '../../src/relay/store-pg';
import { tempDb, tracked } from '../relay/harness';
import { FAR, PAUSE_MS, syncQueueSuite } from '../relay/sync-queue-suite';
import { createDatabase } from './cluster';

interface Kind {
  name: string;
  /** A fresh empty outbox; `open` opens it again (another relay, or the same one restarted). */
  fresh(): Promise<{ open(leaseMs?: number): RelayStore }>;
}

const KINDS: Kind[] = [
  {
    name: 'sqlite',
    async fresh() {
      const path = tempDb();
      return { open: () => sqliteStore(path) };
    },
  },
  {
    name: 'postgres',
    async fresh() {
      const url = await createDatabase(inject('pgUrl'));
      return { open: (leaseMs?: number) => pgStore(url, { leaseMs }) };
    },
  },
];

/** One job per event: the event's id. */
const echo: Planner = { name: 'echo', plan: (t) => ({ jobs: [{ id: t.id }] }) };
/** Numbers each shopper's events 1, 2, 3 … through its state, and sends one job for every second event. */
const counter: Planner = {
  name: 'counter',
  stateKey: (t) => t.aid,
  plan(t, state) {
    const n = (state ? Number(state) : 0) + 1;
    return { jobs: n % 2 == 0 ? [{ aid: t.aid, n }] : [], state: String(n) };
  },
};

/** Another vendor, with one job per event too. */
const other: Planner = { ...echo, name: 'other' };

const ev = (aid = 'a1') => tracked({ type: 'pageview', subtype: 'home' }, { aid });
const ids = (xs: TrackedEvent[]) => xs.map((t) => t.id);

const opened: RelayStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => {})));
});

describe.each(KINDS)('$name store', (kind) => {
  async function one(leaseMs?: number) {
    const db = await kind.fresh();
    const open = (lease = leaseMs) => {
      const s = db.open(lease);
      opened.push(s);
      return s;
    };
    const s = open();
    await s.ready;
    return { s, open };
  }

  it('accepts an id once: later batches and repeats in a batch are answered known, and plan nothing', async () => {
    const { s } = await one();
    const a = [ev(), ev()];
    expect(await s.accept(a, [echo], 1000)).toEqual(new Set());
    const b = ev();
    const known = await s.accept([a[0], b, b, a[1]], [echo], 2000);
    expect(known).toEqual(new Set([a[0].id, b.id, a[1].id]));
    const jobs = await s.take('echo', 5000, 100);
    expect(jobs.map((j) => (j.payload as { id: string }).id)).toEqual([...ids(a), b.id]);
  });

  it('takes a vendor’s due jobs oldest first, up to the limit, each once until settled', async () => {
    const { s } = await one();
    const events = Array.from({ length: 5 }, () => ev());
    await s.accept(events, [echo, counter], 1000);
    expect(await s.take('echo', 999, 10)).toEqual([]);
    const first = await s.take('echo', 1000, 3);
    expect(first.map((j) => (j.payload as { id: string }).id)).toEqual(ids(events).slice(0, 3));
    expect(first.every((j) => j.tries == 1 && j.created == 1000)).toBe(true);
    const rest = await s.take('echo', 1000, 10);
    expect(rest.map((j) => (j.payload as { id: string }).id)).toEqual(ids(events).slice(3));
    expect(await s.take('echo', 1000, 10)).toEqual([]);
    expect(await s.counts()).toEqual({ echo: { waiting: 5, failed: 0 }, counter: { waiting: 2, failed: 0 } });
    expect(await s.nextDue('counter')).toBe(1000);
  });

  it('done removes, retry brings a job back at its time with the try counted, fail keeps it with the reason', async () => {
    const { s } = await one();
    await s.accept([ev(), ev(), ev()], [echo], 1000);
    const [a, b, c] = await s.take('echo', 1000, 10);
    await s.done([a.seq]);
    await s.retry([b.seq], 4000);
    await s.fail([c.seq], 'refused: bad product');
    expect(await s.counts()).toEqual({ echo: { waiting: 1, failed: 1 } });
    expect(await s.nextDue('echo')).toBe(4000);
    expect(await s.take('echo', 3999, 10)).toEqual([]);
    const again = await s.take('echo', 4000, 10);
    expect(again.map((j) => [j.seq, j.tries])).toEqual([[b.seq, 2]]);
    await s.done([b.seq]);
    expect(await s.nextDue('echo')).toBeUndefined();
    expect(await s.counts()).toEqual({ echo: { waiting: 0, failed: 1 } });
  });

  it('rearm brings a vendor’s failed jobs forward, and no other vendor’s', async () => {
    const { s } = await one();
    const events = [ev(), ev(), ev()];
    await s.accept(events, [echo, counter], 1000);
    const [a] = await s.take('echo', 1000, 2);
    await s.retry([a.seq], 90_000);
    // The second echo job is being sent; the third has never been tried.
    const [x] = await s.take('counter', 1000, 1);
    await s.retry([x.seq], 90_000);
    expect(await s.rearm('echo', 5000, 15)).toBe(1);
    expect(await s.nextDue('counter')).toBe(90_000);
    const due = await s.take('echo', 5000, 10);
    const id = (j: { payload: unknown }) => (j.payload as { id: string }).id;
    expect(due.map((j) => [id(j), j.tries])).toEqual([
      [events[0].id, 2],
      [events[2].id, 1],
    ]);
  });

  it('rearm (the vendor took a request) makes its failed jobs due now: not another vendor’s, one being sent, one past maxTries', async () => {
    const { s } = await one();
    await s.accept([ev(), ev(), ev()], [echo, other], 1000);
    const [a, b, c] = await s.take('echo', 1000, 10);
    await s.retry([a.seq, b.seq, c.seq], FAR);
    await s.retry((await s.take('other', 1000, 10)).map((j) => j.seq), FAR);
    // At their time a and b go a second time; b fails again, a is still being sent (due FAR, tries 2).
    expect((await s.take('echo', FAR, 2)).map((j) => j.seq)).toEqual([a.seq, b.seq]);
    await s.retry([b.seq], FAR);
    // Made due: c (one try); not b (past maxTries 1), a (being sent), nor the other vendor's.
    expect(await s.rearm('echo', 2000, 1)).toBe(1);
    expect((await s.take('echo', 2000, 10)).map((j) => [j.seq, j.tries])).toEqual([[c.seq, 2]]);
    expect(await s.nextDue('other')).toBe(FAR);
    expect(await s.rearm('echo', 3000, 2)).toBe(1);
    expect((await s.take('echo', 3000, 10)).map((j) => j.seq)).toEqual([b.seq]);
  });

  it('rearm changes nothing while the vendor’s pause (a Retry-After) runs, and does once it is over', async () => {
    const { s } = await one();
    await s.accept([ev()], [echo], 1000);
    const [a] = await s.take('echo', 1000, 1);
    await s.pauseTurn('echo', PAUSE_MS);
    await s.retry([a.seq], FAR);
    expect(await s.rearm('echo', 2000, 10)).toBe(0);
    expect((await s.turnState('echo', 0)).pausedMs).toBeGreaterThan(0);
    expect(await s.nextDue('echo')).toBe(FAR);
    // A pause of another vendor is no pause of this one.
    await s.pauseTurn('other', FAR);
    await vi.waitFor(async () => expect((await s.turnState('echo', 0)).pausedMs).toBe(0), { timeout: 10_000, interval: 50 });
    expect(await s.rearm('echo', 3000, 10)).toBe(1);
    expect(await s.nextDue('echo')).toBe(3000);
  });

  it('threads a vendor’s per-shopper state through events and batches', async () => {
    const { s } = await one();
    await s.accept([ev('x'), ev('y'), ev('x')], [counter], 1000);
    await s.accept([ev('y'), ev('x'), ev('x')], [counter], 2000);
    const jobs = await s.take('counter', 2000, 10);
    expect(jobs.map((j) => j.payload)).toEqual([
      { aid: 'x', n: 2 },
      { aid: 'y', n: 2 },
      { aid: 'x', n: 4 },
    ]);
  });

  it('keeps meta values, and forgets event ids received before the prune time', async () => {
    const { s } = await one();
    expect(await s.getMeta('k')).toBeUndefined();
    await s.setMeta('k', 'one');
    await s.setMeta('k', 'two');
    expect(await s.getMeta('k')).toBe('two');
    const old = ev();
    const recent = ev();
    await s.accept([old], [echo], 1000);
    await s.accept([recent], [echo], 5000);
    await s.prune(3000);
    expect(await s.accept([old, recent], [echo], 6000)).toEqual(new Set([recent.id]));
  });

  it('keeps everything over a close and reopen; jobs being sent at a kill come back', async () => {
    const { s, open } = await one(1);
    await s.accept([ev(), ev()], [echo], 1000);
    await s.setMeta('k', 'v');
    const [a] = await s.take('echo', 1000, 1);
    // Not settled: the relay dies with job `a` on the wire.
    await s.close();
    await new Promise((r) => setTimeout(r, 5));
    const t = open();
    expect((await t.ready).interrupted).toBe(1);
    expect(await t.getMeta('k')).toBe('v');
    const jobs = await t.take('echo', Date.now(), 10);
    expect(jobs.map((j) => j.seq)).toEqual([a.seq, a.seq + 1]);
    expect(jobs[0].tries).toBe(2);
  });

  it('gives a vendor’s turn to one caller, the next one interval after the request ended, and holds a pause', async () => {
    const { s } = await one();
    const interval = 300;
    expect(await s.beginTurn('v', interval)).toBe(0);
    // Held: asking again waits, at most an interval before asking once more.
    const held = await s.beginTurn('v', interval);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(interval);
    // A turn without a request leaves the vendor free at once.
    await s.endTurn('v', false);
    expect(await s.beginTurn('v', interval)).toBe(0);
    const ended = Date.now();
    await s.endTurn('v', true);
    const wait = await s.beginTurn('v', interval);
    expect(wait).toBeGreaterThan(interval - (Date.now() - ended) - 50);
    expect(wait).toBeLessThanOrEqual(interval);
    await new Promise((r) => setTimeout(r, wait + 20));
    expect(await s.beginTurn('v', interval)).toBe(0);
    // A 429's Retry-After: no turn before the pause is over, however short the interval.
    await s.endTurn('v', true, 2000);
    expect(await s.beginTurn('v', 1)).toBeGreaterThan(1500);
    // Turns of different vendors are independent.
    expect(await s.beginTurn('other', 1000)).toBe(0);
  });

  it('reports a turn’s wait and pause without taking it; a pause set alone keeps the longer one', async () => {
    const { s } = await one();
    expect(await s.turnState('v', 1000)).toEqual({ wait: 0, pausedMs: 0 });
    await s.pauseTurn('v', 3000);
    await s.pauseTurn('v', 1000);
    const paused = await s.turnState('v', 1000);
    expect(paused.pausedMs).toBeGreaterThan(2500);
    expect(paused.wait).toBe(paused.pausedMs);
    // Reading took nothing: the turn is still refused for the pause, not held by anyone.
    expect(await s.beginTurn('v', 1000)).toBeGreaterThan(2500);
    expect(await s.turnState('free', 1000)).toEqual({ wait: 0, pausedMs: 0 });
    expect(await s.beginTurn('free', 1000)).toBe(0);
    expect((await s.turnState('free', 1000)).wait).toBeGreaterThan(0);
  });
});

// The sync queue's rules, as test/relay/sync-store.test.ts runs them on SQLite.
syncQueueSuite('postgres', async () => {
  const url = await createDatabase(inject('pgUrl'));
  return () => pgStore(url);
});

describe('postgres: several relays on one database', () => {
  const kind = KINDS[1];
  async function relays(n: number, leaseMs?: number) {
    const db = await kind.fresh();
    const out = Array.from({ length: n }, () => {
      const s = db.open(leaseMs);
      opened.push(s);
      return s;
    });
    await Promise.all(out.map((s) => s.ready));
    return out;
  }

  it('records its schema version, and refuses a database newer than it knows', async () => {
    const url = await createDatabase(inject('pgUrl'));
    const s = pgStore(url);
    opened.push(s);
    await s.ready;
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query('SELECT max(version) AS v FROM shoptrack_schema')).rows[0].v).toBe(PG_SCHEMA_VERSION);
      await c.query('INSERT INTO shoptrack_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION + 1]);
    } finally {
      await c.end();
    }
    const newer = pgStore(url);
    opened.push(newer);
    await expect(newer.ready).rejects.toThrow('schema version ' + (PG_SCHEMA_VERSION + 1) + ', newer than this relay knows');
    await expect(newer.counts()).rejects.toThrow('newer than this relay knows');
  });

  it('three relays starting at once create the schema once', async () => {
    const [a, b, c] = await relays(3);
    await a.accept([ev()], [echo], 1);
    expect(await c.counts()).toEqual({ echo: { waiting: 1, failed: 0 } });
    expect(await b.take('echo', 1, 10)).toHaveLength(1);
  });

  it('the same events sent to three relays at once are accepted once in all (a unique constraint, not a read)', async () => {
    const stores = await relays(3);
    const events = Array.from({ length: 300 }, (_, i) => ev('s' + (i % 7)));
    // Each relay gets every event, in batches of 20 in its own order, all at once.
    const batches = (k: number) => Array.from({ length: 15 }, (_, b) => events.slice(b * 20, b * 20 + 20)).map((b) => (k % 2 ? [...b].reverse() : b));
    const results = await Promise.all(stores.flatMap((s, k) => batches(k).map((b) => s.accept(b, [echo, counter], 1000).then((known) => b.length - known.size))));
    expect(results.reduce((x, y) => x + y, 0)).toBe(events.length);
    const counts = await stores[0].counts();
    expect(counts.echo.waiting).toBe(300);
    // Every shopper's counter saw each of its events once, whichever relay took it.
    const perShopper = Math.floor(300 / 7);
    expect(counts.counter.waiting).toBe(Array.from({ length: 7 }, (_, i) => Math.floor((perShopper + (i < 300 % 7 ? 1 : 0)) / 2)).reduce((x, y) => x + y));
  });

  it('relays taking at once each get other jobs (FOR UPDATE SKIP LOCKED), and together all of them', async () => {
    const stores = await relays(3);
    await stores[0].accept(Array.from({ length: 200 }, () => ev()), [echo], 1000);
    const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 3].take('echo', 1000, 25)));
    const seqs = taken.flat().map((j) => j.seq);
    expect(seqs).toHaveLength(200);
    expect(new Set(seqs).size).toBe(200);
  });

  it('a dead relay’s jobs are taken over when its lease runs out, and its late answer changes nothing', async () => {
    const [dead, alive] = await relays(2, 400);
    await dead.accept([ev(), ev()], [echo], 1000);
    const held = await dead.take('echo', Date.now(), 10);
    expect(held).toHaveLength(2);
    expect(await alive.take('echo', Date.now(), 10)).toEqual([]);
    const due = await alive.nextDue('echo');
    expect(due).toBeGreaterThan(Date.now());
    await new Promise((r) => setTimeout(r, Math.max(0, due! - Date.now()) + 10));
    const taken = await alive.take('echo', Date.now(), 10);
    expect(taken.map((j) => [j.seq, j.tries])).toEqual(held.map((j) => [j.seq, 2]));
    // The first relay was only slow: its done, retry or fail no longer touch jobs another relay holds.
    await dead.done([held[0].seq]);
    await dead.fail([held[1].seq], 'late');
    expect(await alive.counts()).toEqual({ echo: { waiting: 2, failed: 0 } });
    await alive.done(taken.map((j) => j.seq));
    expect(await alive.counts()).toEqual({});
  });

  it('a vendor’s turn is one relay’s at a time; a dead holder’s turn passes on an interval after its lease', async () => {
    const [a, b, c] = await relays(3, 500);
    // Before the turn is taken: the next holder may start no earlier than this + lease + interval.
    const t0 = Date.now();
    const asks = await Promise.all([a, b, c, a, b, c].map((s) => s.beginTurn('aqurate', 1000)));
    expect(asks.filter((w) => w == 0)).toHaveLength(1);
    const holder = [a, b, c, a, b, c][asks.indexOf(0)];
    const others = [a, b, c].filter((s) => s != holder);
    // An end by a relay that does not hold the turn changes nothing.
    await others[0].endTurn('aqurate', true);
    expect(await others[1].beginTurn('aqurate', 1000)).toBeGreaterThan(0);
    // The holder dies mid-request: no relay takes the turn until the lease and then an interval have passed.
    let got = 0;
    while (got == 0) {
      const w = await others[got % 2].beginTurn('aqurate', 1000);
      if (w == 0) got = Date.now();
      else await new Promise((r) => setTimeout(r, Math.min(w, 100)));
    }
    // (less 10 ms: the database's clock and Node's are read apart, each rounded to the ms)
    expect(got - t0).toBeGreaterThanOrEqual(500 + 1000 - 10);
  });

  it('the sync queue reads a vendor\'s records page by page, upserts only, every key once', async () => {
    const [s] = await relays(1);
    const rec = (key: string, op: 'upsert' | 'delete' = 'upsert') => ({ entity: 'order', key, op, record: JSON.stringify({ order_id: key }), digest: op + key });
    await s.sync.put(['shoptimiza'], Array.from({ length: 25 }, (_, i) => rec('o' + i)), 1000);
    await s.sync.put(['other'], [rec('x1')], 1000);
    // A delivered order deleted later: its entry is a delete, which is no record of the history.
    const [claimed] = await s.sync.claim('shoptimiza', 2000, 1, 60_000);
    await s.sync.settle([{ entry: claimed, sent: true }], 2000);
    await s.sync.put(['shoptimiza'], [rec(claimed.key, 'delete')], 3000);
    const keys: string[] = [];
    for (let after = '', page; (page = await s.sync.records('shoptimiza', 'order', after, 10)).length; after = page[page.length - 1].key) keys.push(...page.map((r: { key: string }) => r.key));
    expect(keys).toHaveLength(24);
    expect(new Set(keys).size).toBe(24);
    expect(keys).not.toContain(claimed.key);
    expect(keys).not.toContain('x1');
  });

  it('the sync queue: three relays queueing the same records at once keep one entry each; claims never overlap', async () => {
    const stores = await relays(3);
    const rec = (key: string, v: string) => ({ entity: 'product', key, op: 'upsert' as const, record: JSON.stringify({ key, v }), digest: key + ':' + v });
    // Every relay queues versions a and b of the same 100 products, in batches of 10, all at once.
    await Promise.all(
      stores.flatMap((s, k) =>
        ['a', 'b'].flatMap((v) => Array.from({ length: 10 }, (_, b) => s.sync.put(['datacue'], Array.from({ length: 10 }, (_, i) => rec('p' + (b * 10 + i + k) % 100, v)), 1000))),
      ),
    );
    expect((await stores[0].sync.status()).counts.datacue.product).toEqual({ waiting: 100, sent: 0, failed: 0 });
    const claims = await Promise.all(Array.from({ length: 9 }, (_, i) => stores[i % 3].sync.claim('datacue', 2000, 15, 60_000)));
    const keys = claims.flat().map((e) => e.key);
    expect(keys).toHaveLength(100);
    expect(new Set(keys).size).toBe(100);
    // A relay settles only its own claims.
    const i = claims.findIndex((c) => c.length > 0);
    const mine = claims[i][0];
    await stores[(i + 1) % 3].sync.settle([{ entry: mine, sent: true }], 3000);
    expect((await stores[0].sync.status()).counts.datacue.product.sent).toBe(0);
    await stores[i % 3].sync.settle([{ entry: mine, sent: true }], 3000);
    expect((await stores[0].sync.status()).counts.datacue.product.sent).toBe(1);
  });
});

describe.each(KINDS)('$name store: times with fractions of a ms (a backoff’s jitter)', (kind) => {
  it('takes them wherever a time goes', async () => {
    const db = await kind.fresh();
    const s = db.open();
    opened.push(s);
    await s.ready;
    await s.accept([ev()], [echo], 1000.4);
    const [j] = await s.take('echo', 1000.6, 1);
    await s.retry([j.seq], 2000.7);
    expect(await s.take('echo', 2001.2, 1)).toHaveLength(1);
    await s.sync.put(['datacue'], [{ entity: 'product', key: 'p', op: 'upsert', record: '{}', digest: 'd' }], 1.5);
    const [e] = await s.sync.claim('datacue', 2.5, 1, 100.5);
    await s.sync.settle([{ entry: e, retryAt: 50.5, error: 'later' }], 3.5);
    expect(await s.sync.claim('datacue', 51, 1, 100)).toHaveLength(1);
    await s.prune(10.5);
  });
});
