// @vitest-environment node
// `shoptrack-relay migrate --from <sqlite file> --to <postgres url>`: a shop's queue moved from SQLite to
// PostgreSQL loses nothing, and what made it safe (dedup, carts, sent versions, a pause) carries over.
import { spawnSync } from 'node:child_process';
import { afterEach, expect, inject, it } from 'vitest';
import type { Planner, RelayStore } from '../../src/relay/store';
import { sqliteStore } from '../../src/relay/store';
import { pgStore } from '../../src/relay/store-pg';
import { tempDb, tracked } from '../relay/harness';
import { createDatabase } from './cluster';

const echo: Planner = { name: 'echo', plan: (t) => ({ jobs: [{ id: t.id }] }) };
const counter: Planner = {
  name: 'counter',
  stateKey: (t) => t.aid,
  plan: (t, state) => {
    const n = (state ? Number(state) : 0) + 1;
    return { jobs: [{ aid: t.aid, n }], state: String(n) };
  },
};
const ev = (aid = 'a1') => tracked({ type: 'pageview', subtype: 'home' }, { aid });
const change = (key: string, v: string) => ({ entity: 'product', key, op: 'upsert' as const, record: JSON.stringify({ key, v }), digest: key + ':' + v });

const stores: RelayStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/relay/cli.ts', 'migrate', ...args], { encoding: 'utf8' });

it('copies what waits, as waiting, with the seen ids, vendor state, sync queue and a pause; refuses a used database', async () => {
  const path = tempDb();
  const old = sqliteStore(path);
  const events = [ev('x'), ev('x'), ev('y'), ev()];
  await old.accept(events, [echo, counter], 1000);
  // One job on the wire when the relay stopped, one refused for good, one delivered.
  const [sending, refused, delivered] = await old.take('echo', 1000, 3);
  await old.fail([refused.seq], 'refused: bad id');
  await old.done([delivered.seq]);
  await old.sync.put(['datacue'], [change('p1', 'a'), change('p2', 'a')], 1000);
  const [claimed] = await old.sync.claim('datacue', 1000, 1, 60_000);
  await old.sync.settle([{ entry: claimed, sent: true }], 1001);
  await old.sync.claim('datacue', 1001, 1, 60_000);
  await old.setMeta('k', 'v');
  await old.pauseTurn('aqurate', 60_000);
  await old.close();

  const url = await createDatabase(inject('pgUrl'));
  const r = cli('--from', path, '--to', url);
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).migrated).toMatchObject({ seen: 4, jobs: 7, vendor_state: 3, meta: 1, turns: 1, sync: 2 });

  const s = pgStore(url);
  stores.push(s);
  await s.ready;
  // The job on the wire is sent again, first; the delivered one is not; the refused one stays failed.
  const jobs = await s.take('echo', 2000, 10);
  expect(jobs.map((j) => (j.payload as { id: string }).id)).toEqual([(sending.payload as { id: string }).id, events[3].id]);
  expect(await s.counts()).toEqual({ echo: { waiting: 2, failed: 1 }, counter: { waiting: 4, failed: 0 } });
  // A browser resending after the move is answered duplicate; a shopper's state goes on from where it was.
  expect(await s.accept([events[0]], [echo, counter], 3000)).toEqual(new Set([events[0].id]));
  await s.accept([ev('x')], [counter], 3000);
  const counted = await s.take('counter', 3000, 10);
  expect(counted.map((j) => j.payload)).toContainEqual({ aid: 'x', n: 3 });
  // The sync queue: the sent version is not queued again; the claimed one is due again.
  expect(await s.sync.put(['datacue'], [change('p1', 'a')], 3000)).toBe(0);
  expect((await s.sync.claim('datacue', 3000, 10, 60_000)).map((e) => e.key)).toEqual(['p2']);
  expect(await s.getMeta('k')).toBe('v');
  expect((await s.turnState('aqurate', 1000)).pausedMs).toBeGreaterThan(30_000);

  const again = cli('--from', path, '--to', url);
  expect(again.status).toBe(1);
  expect(again.stderr).toContain('--to: the database already holds a queue');
});

it('names the missing argument', () => {
  const r = cli('--from', '/nonexistent.sqlite');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('--to: required, a PostgreSQL URL');
});
