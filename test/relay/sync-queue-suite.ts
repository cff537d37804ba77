// The sync queue's rules (store.ts SyncQueue), run against every store: SQLite in test/relay/sync-store.test.ts,
// PostgreSQL in test/pg/store-conformance.test.ts, so the two cannot drift.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayStore, SyncChange, SyncOp } from '../../src/relay/store';

const change = (key: string, op: SyncOp = 'upsert', version = 'a', entity = 'product'): SyncChange => ({
  entity,
  key,
  op,
  record: JSON.stringify({ product_id: key, version }),
  digest: op + ':' + key + ':' + version,
});

const LEASE = 60_000;
/** A retry far ahead: a backoff of minutes. */
export const FAR = 3_600_000;
/** A pause a vendor asked for, short enough to wait out. */
export const PAUSE_MS = 1500;

export function syncQueueSuite(name: string, fresh: () => Promise<() => RelayStore>) {
  let stores: RelayStore[] = [];
  let reopen: () => RelayStore;
  const open = async () => {
    reopen = await fresh();
    const s = reopen();
    stores.push(s);
    return s.sync;
  };
  afterEach(async () => {
    for (const s of stores) await s.close();
    stores = [];
  });

  describe('sync queue (' + name + ')', () => {
    it('keeps one entry per (vendor, entity, key): a newer waiting version replaces the older', async () => {
      const q = await open();
      expect(await q.put(['datacue', 'aqurate'], [change('p1', 'upsert', 'a'), change('p1', 'upsert', 'a', 'order')], 1)).toBe(4);
      expect(await q.put(['datacue'], [change('p1', 'upsert', 'b')], 2)).toBe(1);
      const claimed = await q.claim('datacue', 10, 100, LEASE);
      expect(claimed.map((e) => [e.entity, e.key, JSON.parse(e.record).version, e.version])).toEqual([
        ['order', 'p1', 'a', 1],
        ['product', 'p1', 'b', 2],
      ]);
      expect((await q.status()).counts.aqurate.product).toEqual({ waiting: 1, sent: 0, failed: 0 });
    });

    it('does not queue a change equal to the version waiting or sent, and queues it again after a failure', async () => {
      const q = await open();
      await q.put(['datacue'], [change('p1')], 1);
      expect(await q.put(['datacue'], [change('p1')], 2)).toBe(0);
      const [e] = await q.claim('datacue', 2, 10, LEASE);
      await q.settle([{ entry: e, sent: true }], 3);
      expect(await q.put(['datacue'], [change('p1')], 4)).toBe(0);
      expect(await q.claim('datacue', 5, 10, LEASE)).toEqual([]);
      await q.put(['datacue'], [change('p2')], 6);
      const [f] = await q.claim('datacue', 6, 10, LEASE);
      await q.settle([{ entry: f, failed: 'p2: refused' }], 7);
      expect(await q.put(['datacue'], [change('p2')], 8)).toBe(1);
    });

    it('cancels a waiting upsert of a never-delivered record when its delete comes, and sends the delete of a delivered one', async () => {
      const q = await open();
      await q.put(['datacue'], [change('p1'), change('p2')], 1);
      const [p1] = await q.claim('datacue', 1, 1, LEASE);
      await q.settle([{ entry: p1, sent: true }], 2);
      await q.put(['datacue'], [change('p1', 'upsert', 'b')], 3);
      expect(await q.put(['datacue'], [change('p1', 'delete'), change('p2', 'delete'), change('p3', 'delete')], 4)).toBe(2);
      const left = await q.claim('datacue', 5, 10, LEASE);
      expect(left.map((e) => [e.key, e.op, e.delivered])).toEqual([['p1', 'delete', true]]);
      expect((await q.status()).counts.datacue.product).toEqual({ waiting: 1, sent: 0, failed: 0 });
    });

    it('leases claims: a claimed entry is not claimed again until settled or the lease ends', async () => {
      const q = await open();
      await q.put(['datacue'], [change('p1'), change('p2')], 1);
      expect((await q.claim('datacue', 1, 1, LEASE)).map((e) => e.key)).toEqual(['p1']);
      expect((await q.claim('datacue', 2, 10, LEASE)).map((e) => e.key)).toEqual(['p2']);
      expect(await q.claim('datacue', 3, 10, LEASE)).toEqual([]);
      expect(await q.nextDue('datacue')).toBe(1 + LEASE);
      const again = await q.claim('datacue', 1 + LEASE, 10, LEASE);
      expect(again.map((e) => [e.key, e.tries])).toEqual([['p1', 2]]);
    });

    it('lets a version queued while another is in flight wait for the claim, then go at once', async () => {
      const q = await open();
      await q.put(['datacue'], [change('p1', 'upsert', 'a')], 1);
      const [a] = await q.claim('datacue', 1, 10, LEASE);
      await q.put(['datacue'], [change('p1', 'upsert', 'b')], 2);
      expect(await q.claim('datacue', 3, 10, LEASE)).toEqual([]);
      await q.settle([{ entry: a, sent: true }], 4);
      const [b] = await q.claim('datacue', 4, 10, LEASE);
      expect([JSON.parse(b.record).version, b.delivered, b.tries]).toEqual(['b', true, 1]);
      // A delete while the first upsert is in flight is sent too: the upsert may have arrived.
      await q.put(['aqurate'], [change('p9')], 5);
      const [c] = await q.claim('aqurate', 5, 10, LEASE);
      expect(await q.put(['aqurate'], [change('p9', 'delete')], 6)).toBe(1);
      await q.settle([{ entry: c, sent: true }], 7);
      expect((await q.claim('aqurate', 7, 10, LEASE)).map((e) => e.op)).toEqual(['delete']);
    });

    it('stores each outcome: retried entries wait until their time with the reason, failed ones are kept', async () => {
      const q = await open();
      await q.put(['datacue'], [change('p1'), change('p2'), change('p3')], 1);
      const [e1, e2, e3] = await q.claim('datacue', 1, 10, LEASE);
      await q.settle([{ entry: e1, sent: true }, { entry: e2, retryAt: 500, error: 'datacue answered 503' }, { entry: e3, failed: 'p3: name is required' }], 2);
      expect(await q.claim('datacue', 499, 10, LEASE)).toEqual([]);
      expect(await q.nextDue('datacue')).toBe(500);
      const s = await q.status();
      expect(s.counts.datacue.product).toEqual({ waiting: 1, sent: 1, failed: 1 });
      expect(s.errors.map((e) => [e.key, e.error, e.state]).sort()).toEqual([
        ['p2', 'datacue answered 503', 'waiting'],
        ['p3', 'p3: name is required', 'failed'],
      ]);
      expect((await q.claim('datacue', 500, 10, LEASE)).map((e) => [e.key, e.tries])).toEqual([['p2', 2]]);
    });

    it('rearm (a vendor took a record) makes its failed entries due now: not another vendor’s, a claimed one, one past maxTries', async () => {
      const q = await open();
      await q.put(['datacue'], [change('p1'), change('p2'), change('p3')], 1);
      await q.put(['aqurate'], [change('p1')], 1);
      const [p1, p2] = await q.claim('datacue', 1, 10, LEASE);
      const [a1] = await q.claim('aqurate', 1, 1, LEASE);
      // p1 failed once, p2 twice (its second try still out), p3 is still being sent; a1 failed at Aqurate.
      await q.settle([{ entry: p1, retryAt: FAR, error: '503' }, { entry: p2, retryAt: 2, error: '503' }], 2);
      const [p2again] = await q.claim('datacue', 2, 1, LEASE);
      await q.settle([{ entry: p2again, retryAt: FAR, error: '503' }], 3);
      await q.settle([{ entry: a1, retryAt: FAR, error: '503' }], 3);
      expect(await q.rearm('datacue', 10, 1)).toBe(1);
      expect((await q.claim('datacue', 10, 10, LEASE)).map((e) => [e.key, e.tries])).toEqual([['p1', 2]]);
      expect(await q.nextDue('aqurate')).toBe(FAR);
      // The claim of p3 keeps its lease: a rearm does not make it due, nor does a higher maxTries.
      expect(await q.rearm('datacue', 20, 2)).toBe(1);
      expect((await q.claim('datacue', 20, 10, LEASE)).map((e) => e.key)).toEqual(['p2']);
    });

    it('rearm changes nothing while the vendor’s pause (a Retry-After) runs, and does once it is over', async () => {
      const q = await open();
      const store = stores[stores.length - 1];
      await q.put(['datacue'], [change('p1')], 1);
      const [p1] = await q.claim('datacue', 1, 1, LEASE);
      await q.settle([{ entry: p1, retryAt: FAR, error: '429' }], 2);
      await store.pauseTurn('datacue', PAUSE_MS);
      await store.pauseTurn('aqurate', FAR);
      expect(await q.rearm('datacue', 10, 10)).toBe(0);
      expect((await store.turnState('datacue', 0)).pausedMs).toBeGreaterThan(0);
      expect(await q.nextDue('datacue')).toBe(FAR);
      // The pause runs out.
      await vi.waitFor(async () => expect((await store.turnState('datacue', 0)).pausedMs).toBe(0), { timeout: 10_000, interval: 50 });
      expect(await q.rearm('datacue', 10, 10)).toBe(1);
      expect(await q.nextDue('datacue')).toBe(10);
    });

    it('reads the newest upsert of a record, whichever vendor it was queued for', async () => {
      const q = await open();
      await q.put(['datacue'], [change('o1', 'upsert', 'a', 'order')], 1);
      await q.put(['aqurate'], [change('o1', 'upsert', 'b', 'order')], 2);
      expect(JSON.parse((await q.latest('order', 'o1'))!).version).toBe('b');
      expect(await q.latest('order', 'o2')).toBeUndefined();
      expect(await q.latest('product', 'o1')).toBeUndefined();
    });

    it('keeps everything across a reopen, and release() frees the claims of a relay that died', async () => {
      await open();
      const first = stores[0];
      await first.sync.put(['datacue'], [change('p1'), change('p2')], 1);
      await first.sync.claim('datacue', 1, 1, LEASE);
      await first.close();
      stores = [];
      const s = reopen();
      stores.push(s);
      const q = s.sync;
      expect((await q.claim('datacue', 2, 10, LEASE)).map((e) => e.key)).toEqual(['p2']);
      if (s.shared) {
        // Other relays may be sending what is claimed: only a claim whose lease ran out is ended.
        expect(await q.release(3)).toBe(0);
        expect(await q.claim('datacue', 3, 10, LEASE)).toEqual([]);
        expect(await q.release(1 + LEASE)).toBe(1);
        expect((await q.claim('datacue', 1 + LEASE, 10, LEASE)).map((e) => e.key)).toEqual(['p1']);
      } else {
        expect(await q.release(3)).toBe(2);
        expect((await q.claim('datacue', 3, 10, LEASE)).map((e) => e.key).sort()).toEqual(['p1', 'p2']);
      }
    });
  });
}
