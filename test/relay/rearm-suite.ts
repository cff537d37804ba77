// A vendor's 2xx makes its failed jobs and records due again (issue 14 item 3, "a shorter tail"), run
// against every store: SQLite in test/relay/rearm.test.ts, PostgreSQL in test/pg/rearm.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { backoff } from '../../src/events/policy';
import { type Forwarder, type SendResult, forward } from '../../src/relay/forward';
import { createLog } from '../../src/relay/log';
import type { RelayStore, SyncEntry } from '../../src/relay/store';
import { type RecordResult, syncEngine } from '../../src/relay/sync';
import { tracked } from './harness';

const quiet = createLog([], () => {});
/** A backoff of minutes: far beyond any wait of these tests. */
const FAR_MS = 3_600_000;
/** How long a test waits for what must happen at once (a busy machine's seconds). */
const SOON_MS = 10_000;

/** Polls `ok` until it holds, or fails naming `what` after SOON_MS. */
async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + SOON_MS;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A vendor that takes one job per event tracked with `aid` its name, and answers with `answer`. */
function vendor(name: string, answer: (ids: string[], call: number) => SendResult = () => ({ ok: true }), max = 1) {
  const sent: string[][] = [];
  const f: Forwarder = {
    name,
    max,
    parallel: 1,
    plan: (t) => ({ jobs: t.aid == name ? [{ id: t.id }] : [] }),
    async send(payloads) {
      const ids = payloads.map((p) => (p as { id: string }).id);
      sent.push(ids);
      return answer(ids, sent.length);
    },
  };
  return { f, sent, ids: () => sent.flat() };
}

const ev = (aid: string) => tracked({ type: 'pageview', subtype: 'home' }, { aid });

/** `fresh` makes an empty store and returns how to open it. */
export function rearmSuite(name: string, fresh: () => Promise<() => RelayStore>) {
  const opened: RelayStore[] = [];
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    for (const s of opened.splice(0)) await s.close();
  });
  async function store() {
    const s = (await fresh())();
    opened.push(s);
    await s.ready;
    return s;
  }
  /** An event for `v` whose first try failed: it waits for a backoff far ahead. */
  async function failedFar(s: RelayStore, v: string) {
    const e = ev(v);
    await s.accept([e], [vendor(v).f], Date.now());
    const [job] = await s.take(v, Date.now(), 1);
    await s.retry([job.seq], Date.now() + FAR_MS);
    return e;
  }
  function start(s: RelayStore, forwarders: Forwarder[], opts: { random?: () => number } = {}) {
    const fwd = forward(s, forwarders, quiet, opts);
    stops.push(() => fwd.stop());
    fwd.wake();
    return fwd;
  }

  describe('a 2xx makes the vendor’s failed jobs due again (' + name + ')', () => {
    it('a job waiting for a backoff far ahead goes right after the vendor’s next 2xx', async () => {
      const s = await store();
      const old = await failedFar(s, 'v');
      const v = vendor('v');
      const fwd = start(s, [v.f]);
      const e = ev('v');
      await s.accept([e], [v.f], Date.now());
      fwd.wake();
      await until('the failed job sent again', () => v.ids().includes(old.id));
      expect(v.ids()).toEqual([e.id, old.id]);
    });

    it('not after a 2xx from another vendor', async () => {
      const s = await store();
      await failedFar(s, 'v');
      const due = await s.nextDue('v');
      const v = vendor('v');
      const w = vendor('w');
      const fwd = start(s, [v.f, w.f]);
      const e = ev('w');
      await s.accept([e], [v.f, w.f], Date.now());
      fwd.wake();
      await until('w took its job', () => w.ids().includes(e.id));
      // Stopped: the answer is recorded, and whatever it made due would have been taken by then.
      await fwd.stop();
      expect(v.ids()).toEqual([]);
      expect(await s.nextDue('v')).toBe(due);
    });

    it('not while a Retry-After the vendor gave is running', async () => {
      const s = await store();
      // The first request is answered 429 with an hour's Retry-After, every later one 2xx.
      const v = vendor('v', (_, call) => (call == 1 ? { retry: 'answered 429', after: FAR_MS } : { ok: true }));
      const fwd = start(s, [v.f]);
      const first = ev('v');
      await s.accept([first], [v.f], Date.now());
      fwd.wake();
      await until('the 429 recorded', async () => ((await s.nextDue('v')) ?? 0) > Date.now() + FAR_MS / 2);
      const second = ev('v');
      await s.accept([second], [v.f], Date.now());
      fwd.wake();
      await until('the next job sent', () => v.ids().includes(second.id));
      await fwd.stop();
      expect(v.ids()).toEqual([first.id, second.id]);
      expect(await s.nextDue('v')).toBeGreaterThan(Date.now() + FAR_MS / 2);
    });

    it('each job of a failed request waits for its own tries, not for the most of its batch', async () => {
      const s = await store();
      const often = ev('v');
      await s.accept([often], [vendor('v').f], Date.now());
      // Five failed tries, each due again at once.
      for (let i = 0; i < 5; i++) await s.retry((await s.take('v', Date.now(), 1)).map((j) => j.seq), Date.now());
      const fresh = ev('v');
      await s.accept([fresh], [vendor('v').f], Date.now());
      const v = vendor('v', () => ({ retry: 'answered 503' }), 2);
      // No jitter: try 1 waits backoff(1, 0), try 6 backoff(6, 0).
      const fwd = start(s, [v.f], { random: () => 0 });
      await until('the batch sent', () => v.sent.length > 0);
      await fwd.stop();
      expect(v.sent[0]).toEqual([often.id, fresh.id]);
      const between = (backoff(1, 0) + backoff(6, 0)) / 2;
      const soon = await s.take('v', Date.now() + between, 10);
      expect(soon.map((j) => (j.payload as { id: string }).id)).toEqual([fresh.id]);
      const later = await s.take('v', Date.now() + backoff(6, 0) * 2, 10);
      expect(later.map((j) => [(j.payload as { id: string }).id, j.tries])).toEqual([[often.id, 7]]);
    });
  });

  describe('a record the vendor took makes its failed records due again (' + name + ')', () => {
    const change = (key: string) => ({ entity: 'product', key, op: 'upsert' as const, record: JSON.stringify({ key }), digest: key });
    function sender(answer: (key: string, call: number) => RecordResult = () => ({ ok: true })) {
      const sent: string[] = [];
      return {
        sent,
        vendor: {
          name: 'v',
          sender: {
            entities: ['product' as const],
            batch: 1,
            async send(entries: SyncEntry[]) {
              return entries.map((e) => {
                sent.push(e.key);
                return answer(e.key, sent.length);
              });
            },
          },
        },
      };
    }
    function run(s: RelayStore, v: ReturnType<typeof sender>['vendor']) {
      const engine = syncEngine(s, [v], quiet);
      stops.push(() => engine.stop());
      engine.start();
      return engine;
    }

    it('a record waiting for a backoff far ahead goes right after the vendor took another', async () => {
      const s = await store();
      await s.sync.put(['v'], [change('old')], Date.now());
      const [e] = await s.sync.claim('v', Date.now(), 1, 60_000);
      await s.sync.settle([{ entry: e, retryAt: Date.now() + FAR_MS, error: 'answered 503' }], Date.now());
      await s.sync.put(['v'], [change('new')], Date.now());
      const v = sender();
      run(s, v.vendor);
      await until('the failed record sent again', () => v.sent.includes('old'));
      expect(v.sent).toEqual(['new', 'old']);
    });

    it('not while a Retry-After the vendor gave is running', async () => {
      const s = await store();
      const t = Date.now();
      // Claimed in this order (by due): the first is answered 429 with an hour's Retry-After, the second 2xx.
      await s.sync.put(['v'], [change('first')], t);
      await s.sync.put(['v'], [change('second')], t + 1);
      const v = sender((_, call) => (call == 1 ? { retry: 'answered 429', after: FAR_MS } : { ok: true }));
      const engine = run(s, v.vendor);
      await until('both records sent', () => v.sent.length >= 2);
      await engine.stop();
      expect(v.sent).toEqual(['first', 'second']);
      expect(await s.sync.nextDue('v')).toBeGreaterThan(Date.now() + FAR_MS / 2);
    });
  });
}
