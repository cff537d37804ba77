// The relay's durable outbox, behind a small interface so that a large shop can keep it in PostgreSQL
// (store-pg.ts): event ids seen (for dedup), the jobs each vendor still has to send, each vendor's
// per-shopper state, and a vendor's turn to send (its request budget, shared by every relay on the store).
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { nanoid } from 'nanoid';
import type { TrackedEvent } from '../events/types';
import { LEASE_MS, type TurnRow, turnWait } from './lease';

/** What a vendor decides for a new event: pure, so it can run inside the store's transaction. */
export interface Planner {
  readonly name: string;
  /** The key of the per-shopper state this vendor keeps (Aqurate's previous cart), if any. */
  stateKey?(t: TrackedEvent): string | undefined;
  /** The payloads to send for an event, and the new state (undefined: unchanged). */
  plan(t: TrackedEvent, state: string | undefined): { jobs: unknown[]; state?: string };
}

export interface Job {
  seq: number;
  payload: unknown;
  /** Attempts so far. */
  tries: number;
  created: number;
}

export interface RelayStore {
  /**
   * Records the events whose id is new and, in the same durable transaction, the jobs and state each
   * planner derives from them. Resolves once on disk; returns the ids that were already known.
   */
  accept(events: TrackedEvent[], planners: Planner[], now: number): Promise<Set<string>>;
  /** Up to `limit` of a vendor's jobs due by `now`, oldest first, marked as being sent. */
  take(vendor: string, now: number, limit: number): Promise<Job[]>;
  /** When the vendor's next waiting job is due, or undefined when none waits. */
  nextDue(vendor: string): Promise<number | undefined>;
  done(seqs: number[]): Promise<void>;
  retry(seqs: number[], at: number): Promise<void>;
  /**
   * The vendor took a request: its waiting jobs that failed before (tries from 1 to `maxTries`) and are
   * due after `now` become due at `now`. Nothing changes while the vendor's pause runs (pauseTurn: a
   * Retry-After it gave), and jobs being sent (leased to a relay) are left alone. Returns how many.
   */
  rearm(vendor: string, now: number, maxTries: number): Promise<number>;
  /** Refused for good: kept with the reason, never sent again. */
  fail(seqs: number[], error: string): Promise<void>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  counts(): Promise<{ [vendor: string]: { waiting: number; failed: number } }>;
  /** Forgets event ids received before `before` (past the browser's retry horizon). */
  prune(before: number): Promise<void>;
  /**
   * Asks for the vendor's turn to send, for a vendor that allows one request per `intervalMs` for the
   * whole shop. 0: the turn is this relay's until endTurn (or, should this relay die, until the store's
   * lease has passed, which outlasts any request); else how many ms to wait before asking again. The
   * next turn starts `intervalMs` after the end of the last request, and not before a pause.
   */
  beginTurn(key: string, intervalMs: number): Promise<number>;
  /** Ends this relay's turn: `sent` whether a request went out; `pauseMs` keeps every relay from the vendor that long (a 429's Retry-After). */
  endTurn(key: string, sent: boolean, pauseMs?: number): Promise<void>;
  /** Without taking it: ms until the vendor's next turn could start, and ms of a pause left (0: none). */
  turnState(key: string, intervalMs: number): Promise<{ wait: number; pausedMs: number }>;
  /** No turn for the vendor for `pauseMs` from now (a longer pause already set is kept). */
  pauseTurn(key: string, pauseMs: number): Promise<void>;
  /** Several relays may share this store: their jobs are leased, and a relay polls for work others left. */
  readonly shared: boolean;
  /** The shop's records waiting for each vendor (docs/sync.md). */
  readonly sync: SyncQueue;
  /** Resolves when the store is open (schema in place), with the number of jobs in flight when a relay on it was last killed. */
  readonly ready: Promise<{ interrupted: number }>;
  close(): Promise<void>;
}

/** What an entry asks a vendor to do with a record. An order cancel is an upsert with status cancelled. */
export type SyncOp = 'upsert' | 'delete';

/** One change to queue: the newest version of one record (data/types.ts). */
export interface SyncChange {
  /** A data/types.ts Entity. */
  entity: string;
  /** The record's key (data/types.ts recordKey). */
  key: string;
  op: SyncOp;
  /** The canonical record (upsert) or its id fields (delete), as JSON text. */
  record: string;
  /** A digest of op and record: a change equal to the version already waiting or sent is not queued again. */
  digest: string;
}

/** A claimed entry: one version of one record for one vendor. */
export interface SyncEntry {
  vendor: string;
  entity: string;
  key: string;
  op: SyncOp;
  record: string;
  /** The entry's version, raised by every change queued for it; settle() names the version it sent. */
  version: number;
  /** Attempts at this version, this one included. */
  tries: number;
  /** An earlier version reached the vendor: an upsert is an update there, not a create. */
  delivered: boolean;
  /** When this version was queued (ms since the epoch). */
  queued: number;
}

/** What became of a claimed entry: delivered, to be tried again at `retryAt`, or refused for good. */
export type SyncOutcome =
  | { entry: SyncEntry; sent: true }
  | { entry: SyncEntry; retryAt: number; error: string }
  | { entry: SyncEntry; failed: string };

export type SyncState = 'waiting' | 'sent' | 'failed';
export interface SyncStatus {
  /** Entries by vendor, entity and state ("waiting" includes those being sent). */
  counts: { [vendor: string]: { [entity: string]: { [S in SyncState]: number } } };
  /** The latest errors (a retry's reason or a refusal), newest first. */
  errors: { vendor: string; entity: string; key: string; error: string; at: number; state: SyncState }[];
}

/**
 * The sync queue: one entry per (vendor, entity, key), each with a state, its latest version and the
 * outcome of the last attempt. Every method is one transaction, durable when it resolves.
 *
 * A PostgreSQL implementation follows the same rules with a table keyed (vendor, entity, key):
 * `put` is an INSERT ... ON CONFLICT DO UPDATE (or SELECT ... FOR UPDATE then write) applying the rules
 * below, and `claim` is
 *   UPDATE sync SET due = $now + $lease, claimed_version = version, tries = tries + 1
 *   WHERE (vendor, entity, key) IN (SELECT vendor, entity, key FROM sync WHERE vendor = $1 AND
 *     state = 'queued' AND due <= $now ORDER BY due LIMIT $n FOR UPDATE SKIP LOCKED) RETURNING ...
 * so that relays sharing the database never claim the same entry while its lease runs.
 */
export interface SyncQueue {
  /**
   * Queues each change for each vendor. Per (vendor, entity, key):
   *  - an equal change (same digest) to the version waiting, being sent or sent: nothing is queued
   *    (a re-run import queues nothing twice); after a failure it is queued again;
   *  - a waiting version is replaced by the newer one (only the newest is ever sent); one being sent
   *    is replaced too, and the new version waits until the claim is settled;
   *  - a delete of a record never delivered to that vendor, and not being sent, removes the entry:
   *    there is nothing to delete (a delete after a waiting upsert cancels it).
   * Returns how many entries were queued (new or replaced).
   */
  put(vendors: string[], changes: SyncChange[], now: number): Promise<number>;
  /**
   * Claims up to `limit` of a vendor's entries due by `now`, oldest due first, for `leaseMs`: no other
   * claim takes them until they are settled or the lease runs out (a relay that died mid-request).
   */
  claim(vendor: string, now: number, limit: number, leaseMs: number): Promise<SyncEntry[]>;
  /**
   * Records each claimed entry's outcome. When a newer version was queued meanwhile, that version
   * waits, due at once; the outcome still counts for `delivered`.
   */
  settle(outcomes: SyncOutcome[], now: number): Promise<void>;
  /** When the vendor's next entry is due (a lease's end included), or undefined when none waits. */
  nextDue(vendor: string): Promise<number | undefined>;
  /**
   * The vendor took a record: its waiting entries that failed before (tries from 1 to `maxTries`) and are
   * due after `now` become due at `now`, as RelayStore.rearm does for jobs (not during the vendor's
   * pause; claimed entries are left alone). Returns how many.
   */
  rearm(vendor: string, now: number, maxTries: number): Promise<number>;
  /**
   * Ends every claim at once; the relay calls it at start (one relay per SQLite file). Returns how many.
   * On a shared store (PostgreSQL) only claims whose lease has run out: other relays may be sending the rest.
   */
  release(now: number): Promise<number>;
  /** The newest upsert of a record queued for any vendor, as JSON text (an order cancel reads it). */
  latest(entity: string, key: string): Promise<string | undefined>;
  /**
   * A page of the records queued for a vendor (upserts, whatever their state), by key after `afterKey`
   * ("" for the first page): what a vendor that reads the shop's history in bulk (Shoptimiza's sales
   * file) streams without holding it.
   */
  records(vendor: string, entity: string, afterKey: string, limit: number): Promise<{ key: string; record: string }[]>;
  /** Counts by vendor, entity and state, and the latest `errors` errors. */
  status(errors?: number): Promise<SyncStatus>;
}


const SCHEMA = `
CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, received INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_received ON seen (received);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  vendor TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'waiting',
  due INTEGER NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (vendor, state, due, seq);
CREATE TABLE IF NOT EXISTS vendor_state (vendor TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (vendor, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync (
  vendor TEXT NOT NULL,
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  op TEXT NOT NULL,
  record TEXT NOT NULL,
  digest TEXT NOT NULL,
  version INTEGER NOT NULL,
  -- queued (waiting or being sent), sent or failed
  state TEXT NOT NULL,
  -- when a queued entry may be claimed: its due time, or the end of its claim's lease
  due INTEGER NOT NULL,
  claimed_version INTEGER,
  tries INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0,
  queued INTEGER NOT NULL,
  error TEXT,
  error_at INTEGER,
  PRIMARY KEY (vendor, entity, key)
);
CREATE INDEX IF NOT EXISTS sync_due ON sync (vendor, state, due);
CREATE INDEX IF NOT EXISTS sync_errors ON sync (error_at) WHERE error IS NOT NULL;
CREATE INDEX IF NOT EXISTS sync_record ON sync (entity, key);
CREATE TABLE IF NOT EXISTS turns (key TEXT PRIMARY KEY, holder TEXT, held_until INTEGER, last_end INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
`;

/**
 * better-sqlite3, loaded when a SQLite store is opened. It is an optional peer dependency: a native
 * module that a shop installing shoptrack for the browser script must not have to compile.
 */
function sqliteDriver(): typeof Database {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (err) {
    throw new Error(
      "the relay's SQLite outbox needs the better-sqlite3 package: run `npm install better-sqlite3` next to shoptrack, or give the relay a PostgreSQL storeUrl or a store of your own (" +
        (err as Error).message.split('\n')[0] +
        ')',
    );
  }
}

/**
 * The outbox in one SQLite file (better-sqlite3): WAL, and a full sync before a write returns.
 * `recover: false` opens the file beside a running relay (the import CLI): the jobs and turns it holds
 * are left alone.
 */
export function sqliteStore(path: string, opts: { recover?: boolean } = {}): RelayStore {
  const recover = opts.recover ?? true;
  const Driver = sqliteDriver();
  if (path != ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Driver(path);
  db.pragma('journal_mode = WAL');
  // FULL: a transaction is on disk when it returns, so a 2xx answer means the event survives a crash.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // A relay killed mid-request left these in flight; the vendor may or may not have taken them.
  const interrupted = recover ? db.prepare("UPDATE jobs SET state = 'waiting' WHERE state = 'sending'").run().changes : 0;
  // Only one relay opens this file: a turn it held was cut short now, so the next one counts from here.
  if (recover) db.prepare('UPDATE turns SET holder = NULL, held_until = NULL, last_end = MAX(last_end, ?) WHERE holder IS NOT NULL').run(Date.now());

  const q = {
    seen: db.prepare<[string, number]>('INSERT OR IGNORE INTO seen (id, received) VALUES (?, ?)'),
    job: db.prepare<[string, string, number, number]>('INSERT INTO jobs (vendor, payload, due, created) VALUES (?, ?, ?, ?)'),
    getState: db.prepare<[string, string], { value: string }>('SELECT value FROM vendor_state WHERE vendor = ? AND key = ?'),
    setState: db.prepare<[string, string, string]>('INSERT OR REPLACE INTO vendor_state (vendor, key, value) VALUES (?, ?, ?)'),
    due: db.prepare<[string, number, number], { seq: number; payload: string; tries: number; created: number }>(
      "SELECT seq, payload, tries, created FROM jobs WHERE vendor = ? AND state = 'waiting' AND due <= ? ORDER BY seq LIMIT ?",
    ),
    sending: db.prepare<[number]>("UPDATE jobs SET state = 'sending', tries = tries + 1 WHERE seq = ?"),
    next: db.prepare<[string], { due: number | null }>("SELECT MIN(due) AS due FROM jobs WHERE vendor = ? AND state = 'waiting'"),
    done: db.prepare<[number]>('DELETE FROM jobs WHERE seq = ?'),
    retry: db.prepare<[number, number]>("UPDATE jobs SET state = 'waiting', due = ? WHERE seq = ?"),
    rearm: db.prepare<{ vendor: string; now: number; maxTries: number; clock: number }>(
      `UPDATE jobs SET due = @now
       WHERE vendor = @vendor AND state = 'waiting' AND due > @now AND tries BETWEEN 1 AND @maxTries
         AND NOT EXISTS (SELECT 1 FROM turns WHERE key = @vendor AND not_before > @clock)`,
    ),
    fail: db.prepare<[string, number]>("UPDATE jobs SET state = 'failed', error = ? WHERE seq = ?"),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    counts: db.prepare<[], { vendor: string; state: string; n: number }>('SELECT vendor, state, COUNT(*) AS n FROM jobs GROUP BY vendor, state'),
    prune: db.prepare<[number]>('DELETE FROM seen WHERE received < ?'),
    getTurn: db.prepare<[string], TurnRow>('SELECT holder, held_until AS heldUntil, last_end AS lastEnd, not_before AS notBefore FROM turns WHERE key = ?'),
    takeTurn: db.prepare<[string, string, number]>(
      'INSERT INTO turns (key, holder, held_until) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until',
    ),
    pauseTurn: db.prepare<[string, number]>('INSERT INTO turns (key, not_before) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET not_before = MAX(not_before, excluded.not_before)'),
    endTurn: db.prepare<[number, number, number, string, string]>(
      'UPDATE turns SET holder = NULL, held_until = NULL, last_end = CASE WHEN ? THEN ? ELSE last_end END, not_before = MAX(not_before, ?) WHERE key = ? AND holder = ?',
    ),
  };
  const me = 'sqlite-' + process.pid + '-' + nanoid(10);

  const accept = db.transaction((events: TrackedEvent[], planners: Planner[], now: number): Set<string> => {
    const known = new Set<string>();
    for (const t of events) {
      if (q.seen.run(t.id, now).changes == 0) {
        known.add(t.id);
        continue;
      }
      for (const p of planners) {
        const key = p.stateKey && p.stateKey(t);
        const prev = key ? q.getState.get(p.name, key)?.value : undefined;
        const { jobs, state } = p.plan(t, prev);
        for (const j of jobs) q.job.run(p.name, JSON.stringify(j), now, now);
        if (key && state !== undefined && state !== prev) q.setState.run(p.name, key, state);
      }
    }
    return known;
  });
  const take = db.transaction((vendor: string, now: number, limit: number): Job[] =>
    q.due.all(vendor, now, limit).map((r) => {
      q.sending.run(r.seq);
      return { seq: r.seq, payload: JSON.parse(r.payload), tries: r.tries + 1, created: r.created };
    }),
  );
  const sync = sqliteSyncQueue(db);
  const beginTurn = db.transaction((key: string, intervalMs: number): number => {
    const now = Date.now();
    const wait = turnWait(q.getTurn.get(key), now, intervalMs);
    if (wait == 0) q.takeTurn.run(key, me, now + LEASE_MS);
    return wait;
  });
  const each = (fn: (seq: number) => void) => db.transaction((seqs: number[]) => seqs.forEach(fn));
  const done = each((s) => q.done.run(s));

  return {
    sync,
    shared: false,
    ready: Promise.resolve({ interrupted }),
    accept: async (events, planners, now) => accept(events, planners, now),
    take: async (vendor, now, limit) => take(vendor, now, limit),
    nextDue: async (vendor) => q.next.get(vendor)?.due ?? undefined,
    done: async (seqs) => done(seqs),
    retry: async (seqs, at) => db.transaction(() => seqs.forEach((s) => q.retry.run(at, s)))(),
    // A pause is timed by the store's clock (pauseTurn), a job's due by the relay's `now`.
    rearm: async (vendor, now, maxTries) => q.rearm.run({ vendor, now, maxTries, clock: Date.now() }).changes,
    fail: async (seqs, error) => db.transaction(() => seqs.forEach((s) => q.fail.run(error, s)))(),
    getMeta: async (key) => q.getMeta.get(key)?.value,
    setMeta: async (key, value) => void q.setMeta.run(key, value),
    counts: async () => {
      const out: { [vendor: string]: { waiting: number; failed: number } } = {};
      for (const r of q.counts.all()) {
        const c = (out[r.vendor] ||= { waiting: 0, failed: 0 });
        if (r.state == 'failed') c.failed += r.n;
        else c.waiting += r.n;
      }
      return out;
    },
    prune: async (before) => void q.prune.run(before),
    beginTurn: async (key, intervalMs) => beginTurn(key, intervalMs),
    endTurn: async (key, sent, pauseMs = 0) => {
      const now = Date.now();
      q.endTurn.run(sent ? 1 : 0, now, now + pauseMs, key, me);
    },
    turnState: async (key, intervalMs) => {
      const now = Date.now();
      const t = q.getTurn.get(key);
      return { wait: turnWait(t, now, intervalMs), pausedMs: t ? Math.max(0, t.notBefore - now) : 0 };
    },
    pauseTurn: async (key, pauseMs) => void q.pauseTurn.run(key, Date.now() + Math.round(pauseMs)),
    close: async () => void db.close(),
  };
}

interface SyncRow {
  vendor: string;
  entity: string;
  key: string;
  op: SyncOp;
  record: string;
  digest: string;
  version: number;
  state: 'queued' | 'sent' | 'failed';
  due: number;
  claimed_version: number | null;
  tries: number;
  delivered: number;
  queued: number;
}

function sqliteSyncQueue(db: Database.Database): SyncQueue {
  type Key = [string, string, string];
  const q = {
    get: db.prepare<Key, SyncRow>('SELECT * FROM sync WHERE vendor = ? AND entity = ? AND key = ?'),
    insert: db.prepare<[string, string, string, string, string, string, number, number]>(
      "INSERT INTO sync (vendor, entity, key, op, record, digest, version, state, due, queued) VALUES (?, ?, ?, ?, ?, ?, 1, 'queued', ?, ?)",
    ),
    // A claimed entry keeps its lease as its due time: the new version waits for the claim to settle.
    replace: db.prepare<{ op: string; record: string; digest: string; now: number; vendor: string; entity: string; key: string }>(
      `UPDATE sync SET op = @op, record = @record, digest = @digest, version = version + 1, state = 'queued', tries = 0,
         due = CASE WHEN claimed_version IS NULL THEN @now ELSE due END, queued = @now, error = NULL, error_at = NULL
       WHERE vendor = @vendor AND entity = @entity AND key = @key`,
    ),
    remove: db.prepare<Key>('DELETE FROM sync WHERE vendor = ? AND entity = ? AND key = ?'),
    due: db.prepare<[string, number, number], SyncRow>("SELECT * FROM sync WHERE vendor = ? AND state = 'queued' AND due <= ? ORDER BY due LIMIT ?"),
    claim: db.prepare<[number, string, string, string]>(
      'UPDATE sync SET due = ?, claimed_version = version, tries = tries + 1 WHERE vendor = ? AND entity = ? AND key = ?',
    ),
    settle: db.prepare<{ state: string; due: number; now: number; delivered: number; error: string | null; at: number | null; vendor: string; entity: string; key: string; version: number }>(
      `UPDATE sync SET claimed_version = NULL, delivered = @delivered,
         state = CASE WHEN version = @version THEN @state ELSE 'queued' END,
         due = CASE WHEN version = @version THEN @due ELSE @now END,
         error = CASE WHEN version = @version THEN @error ELSE error END,
         error_at = CASE WHEN version = @version THEN @at ELSE error_at END
       WHERE vendor = @vendor AND entity = @entity AND key = @key AND claimed_version = @version`,
    ),
    next: db.prepare<[string], { due: number | null }>("SELECT MIN(due) AS due FROM sync WHERE vendor = ? AND state = 'queued'"),
    rearm: db.prepare<{ vendor: string; now: number; maxTries: number; clock: number }>(
      `UPDATE sync SET due = @now
       WHERE vendor = @vendor AND state = 'queued' AND claimed_version IS NULL AND due > @now AND tries BETWEEN 1 AND @maxTries
         AND NOT EXISTS (SELECT 1 FROM turns WHERE key = @vendor AND not_before > @clock)`,
    ),
    release: db.prepare<[number]>('UPDATE sync SET due = ?, claimed_version = NULL WHERE claimed_version IS NOT NULL'),
    counts: db.prepare<[], { vendor: string; entity: string; state: string; n: number }>('SELECT vendor, entity, state, COUNT(*) AS n FROM sync GROUP BY vendor, entity, state'),
    latest: db.prepare<[string, string], { record: string }>(
      "SELECT record FROM sync WHERE entity = ? AND key = ? AND op = 'upsert' ORDER BY queued DESC LIMIT 1",
    ),
    records: db.prepare<[string, string, string, number], { key: string; record: string }>(
      "SELECT key, record FROM sync WHERE vendor = ? AND entity = ? AND op = 'upsert' AND key > ? ORDER BY key LIMIT ?",
    ),
    errors: db.prepare<[number], { vendor: string; entity: string; key: string; error: string; at: number; state: string }>(
      'SELECT vendor, entity, key, error, error_at AS at, state FROM sync WHERE error IS NOT NULL ORDER BY error_at DESC LIMIT ?',
    ),
  };

  const put = db.transaction((vendors: string[], changes: SyncChange[], now: number): number => {
    let queued = 0;
    for (const vendor of vendors)
      for (const c of changes) {
        const row = q.get.get(vendor, c.entity, c.key);
        if (!row) {
          // A delete of a record this vendor never had: nothing to do.
          if (c.op == 'delete') continue;
          q.insert.run(vendor, c.entity, c.key, c.op, c.record, c.digest, now, now);
        } else if (row.digest == c.digest && row.state != 'failed') continue;
        else if (c.op == 'delete' && !row.delivered && row.claimed_version === null) q.remove.run(vendor, c.entity, c.key);
        else q.replace.run({ op: c.op, record: c.record, digest: c.digest, now, vendor, entity: c.entity, key: c.key });
        queued++;
      }
    return queued;
  });

  const claim = db.transaction((vendor: string, now: number, limit: number, leaseMs: number): SyncEntry[] =>
    q.due.all(vendor, now, limit).map((r) => {
      q.claim.run(now + leaseMs, vendor, r.entity, r.key);
      return { vendor, entity: r.entity, key: r.key, op: r.op, record: r.record, version: r.version, tries: r.tries + 1, delivered: !!r.delivered, queued: r.queued };
    }),
  );

  const settle = db.transaction((outcomes: SyncOutcome[], now: number) => {
    for (const o of outcomes) {
      const { vendor, entity, key, version, op } = o.entry;
      const sent = 'sent' in o;
      // After a delivered delete the vendor no longer has the record; a delivered upsert it has.
      const delivered = sent ? op == 'upsert' : o.entry.delivered;
      const retry = 'retryAt' in o;
      q.settle.run({
        state: sent ? 'sent' : retry ? 'queued' : 'failed',
        due: retry ? o.retryAt : now,
        now,
        delivered: delivered ? 1 : 0,
        error: sent ? null : retry ? o.error : o.failed,
        at: sent ? null : now,
        vendor,
        entity,
        key,
        version,
      });
    }
  });

  return {
    put: async (vendors, changes, now) => put(vendors, changes, now),
    claim: async (vendor, now, limit, leaseMs) => claim(vendor, now, limit, leaseMs),
    settle: async (outcomes, now) => settle(outcomes, now),
    nextDue: async (vendor) => q.next.get(vendor)?.due ?? undefined,
    rearm: async (vendor, now, maxTries) => q.rearm.run({ vendor, now, maxTries, clock: Date.now() }).changes,
    release: async (now) => q.release.run(now).changes,
    latest: async (entity, key) => q.latest.get(entity, key)?.record,
    records: async (vendor, entity, afterKey, limit) => q.records.all(vendor, entity, afterKey, limit),
    status: async (errors = 10) => {
      const counts: SyncStatus['counts'] = {};
      for (const r of q.counts.all()) {
        const byEntity = (counts[r.vendor] ||= {});
        const c = (byEntity[r.entity] ||= { waiting: 0, sent: 0, failed: 0 });
        c[r.state == 'queued' ? 'waiting' : (r.state as SyncState)] += r.n;
      }
      const list = q.errors.all(errors).map((e) => ({ ...e, state: (e.state == 'queued' ? 'waiting' : e.state) as SyncState }));
      return { counts, errors: list };
    },
  };
}
