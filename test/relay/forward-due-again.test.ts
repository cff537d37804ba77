// @vitest-environment node
// Issue 14 item 3, at the relay: a vendor's 2xx makes its jobs that failed before due at once, instead of
// leaving them to a backoff of up to minutes; another vendor's 2xx does not, nor one while a Retry-After
// the vendor gave is still running. The clock is the test's and stands still, so a job left to its
// backoff is never sent: what goes out again went because of the 2xx.
import { afterEach, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/events/types';
import { type Forwarder, type Forwarding, type SendResult, forward } from '../../src/relay/forward';
import { createLog } from '../../src/relay/log';
import { type RelayStore, sqliteStore } from '../../src/relay/store';
import { tempDb, tracked, until } from './harness';

const NOW = 1_000_000;
const running: Forwarding[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

/** A vendor that sends each event's id alone and answers from a script (default: taken). */
function vendor(name: string, answers: SendResult[] = []) {
  const sent: string[] = [];
  const f: Forwarder = {
    name,
    max: 1,
    parallel: 1,
    plan: (t: TrackedEvent) => ({ jobs: [t.id] }),
    async send(payloads) {
      sent.push(...(payloads as string[]));
      return answers.shift() || { ok: true };
    },
  };
  return Object.assign(f, { sent });
}

function start(store: RelayStore, vendors: Forwarder[]) {
  const f = forward(store, vendors, createLog([], () => {}), { now: () => NOW, random: () => 0.5 });
  running.push(f);
  return f;
}

const ev = () => tracked({ type: 'pageview', subtype: 'home' });

it("sends a vendor's failed jobs again as soon as it takes another request", async () => {
  const store = sqliteStore(tempDb());
  const v = vendor('v', [{ retry: '500' }]);
  const fw = start(store, [v]);
  const a = ev();
  await store.accept([a], [v], NOW);
  fw.wake();
  await until('the first try', () => v.sent.length == 1);
  // Its backoff is in the future of a clock that stands still.
  await expect.poll(() => store.nextDue('v')).toBeGreaterThan(NOW);
  const b = ev();
  await store.accept([b], [v], NOW);
  fw.wake();
  await until('b, then a again', () => v.sent.length == 3);
  expect(v.sent).toEqual([a.id, b.id, a.id]);
  // Nothing left waiting (a vendor with nothing waiting or failed is not listed).
  await expect.poll(() => store.counts()).toEqual({});
});

it("leaves them to their backoff when another vendor takes a request", async () => {
  const store = sqliteStore(tempDb());
  const v = vendor('v', [{ retry: '500' }]);
  const w = vendor('w');
  const fw = start(store, [v, w]);
  const a = ev();
  await store.accept([a], [v], NOW);
  fw.wake();
  await expect.poll(() => store.nextDue('v')).toBeGreaterThan(NOW);
  await store.accept([ev(), ev()], [w], NOW);
  fw.wake();
  // w sends one request at a time: its second left once the first's 2xx was recorded in full.
  await until("w's second request", () => w.sent.length == 2);
  expect(await store.nextDue('v')).toBeGreaterThan(NOW);
  expect(v.sent).toEqual([a.id]);
});

it('leaves them while a Retry-After the vendor gave is still running', async () => {
  const store = sqliteStore(tempDb());
  const v = vendor('v', [{ retry: '429', after: 60_000 }]);
  const fw = start(store, [v]);
  const a = ev();
  await store.accept([a], [v], NOW);
  fw.wake();
  await expect.poll(() => store.nextDue('v')).toBe(NOW + 60_000);
  const b = ev();
  await store.accept([b], [v], NOW);
  fw.wake();
  const c = ev();
  await store.accept([c], [v], NOW);
  fw.wake();
  // One request at a time: c left once b's 2xx was recorded in full.
  await until('b and c', () => v.sent.length == 3);
  expect(v.sent).toEqual([a.id, b.id, c.id]);
  expect(await store.nextDue('v')).toBe(NOW + 60_000);
});
