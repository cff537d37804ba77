// @vitest-environment node
// When a 2xx re-arms a vendor's failed payloads (forward.ts rearming, used by the forwarder and the sync
// engine): only when a failure may wait, so that the steady state costs no write per 2xx, and not while
// a pause the vendor asked for runs, this relay's or (as the store tells) another relay's.
import { expect, it } from 'vitest';
import { rearming } from '../../src/relay/forward';

function setup(answers: (number | Error)[] = []) {
  let clock = 1000;
  let pausedMs = 0;
  const calls: number[] = [];
  const store = { turnState: async () => ({ wait: 0, pausedMs }) };
  const r = rearming(
    store,
    async (now) => {
      calls.push(now);
      const a = answers.shift() ?? 0;
      if (a instanceof Error) throw a;
      return a;
    },
    'v',
    () => clock,
  );
  return {
    r,
    calls,
    tick: (ms: number) => void (clock += ms),
    pause: (ms: number) => void (pausedMs = ms),
  };
}

it('re-arms once after a start or a failure, then no more until the next failure', async () => {
  const { r, calls } = setup([0, 2]);
  // Just started: payloads of an earlier run may wait.
  await r.took();
  await r.took();
  expect(calls).toHaveLength(1);
  r.failed();
  await r.took();
  await r.took();
  expect(calls).toHaveLength(2);
});

it('not while the Retry-After this relay got runs; at the first 2xx after it', async () => {
  const { r, calls, tick } = setup([1]);
  r.failed(60_000);
  await r.took();
  tick(59_999);
  await r.took();
  expect(calls).toHaveLength(0);
  tick(1);
  await r.took();
  expect(calls).toEqual([61_000]);
});

it('a re-arm the store refused for another relay’s pause stays owed until that pause ends', async () => {
  const { r, calls, tick, pause } = setup([0, 1]);
  r.failed();
  pause(5000);
  await r.took();
  expect(calls).toHaveLength(1);
  // Held for the pause the store reported: no write meanwhile.
  tick(4999);
  await r.took();
  expect(calls).toHaveLength(1);
  tick(1);
  pause(0);
  await r.took();
  expect(calls).toHaveLength(2);
  await r.took();
  expect(calls).toHaveLength(2);
});

it('a re-arm the store failed to write is owed still', async () => {
  const { r, calls } = setup([new Error('database restarting'), 1]);
  await expect(r.took()).rejects.toThrow('database restarting');
  await r.took();
  await r.took();
  expect(calls).toHaveLength(2);
});
