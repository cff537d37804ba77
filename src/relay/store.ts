// The relay's durable outbox, behind a small interface so that a large shop can keep it in PostgreSQL:
// event ids seen (for dedup), the jobs each vendor still has to send, and each vendor's per-shopper state.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrackedEvent } from '../events/types';

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
  /** Refused for good: kept with the reason, never sent again. */
  fail(seqs: number[], error: string): Promise<void>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  counts(): Promise<{ [vendor: string]: { waiting: number; failed: number } }>;
  /** Forgets event ids received before `before` (past the browser's retry horizon). */
  prune(before: number): Promise<void>;
  /** Jobs that were being sent when the store was last closed without finishing (a killed relay). */
  readonly interrupted: number;
  close(): Promise<void>;
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
`;

/** The outbox in one SQLite file (better-sqlite3): WAL, and a full sync before a write returns. */
export function sqliteStore(path: string): RelayStore {
  if (path != ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a transaction is on disk when it returns, so a 2xx answer means the event survives a crash.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // A relay killed mid-request left these in flight; the vendor may or may not have taken them.
  const interrupted = db.prepare("UPDATE jobs SET state = 'waiting' WHERE state = 'sending'").run().changes;

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
    fail: db.prepare<[string, number]>("UPDATE jobs SET state = 'failed', error = ? WHERE seq = ?"),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    counts: db.prepare<[], { vendor: string; state: string; n: number }>('SELECT vendor, state, COUNT(*) AS n FROM jobs GROUP BY vendor, state'),
    prune: db.prepare<[number]>('DELETE FROM seen WHERE received < ?'),
  };

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
  const each = (fn: (seq: number) => void) => db.transaction((seqs: number[]) => seqs.forEach(fn));
  const done = each((s) => q.done.run(s));

  return {
    interrupted,
    accept: async (events, planners, now) => accept(events, planners, now),
    take: async (vendor, now, limit) => take(vendor, now, limit),
    nextDue: async (vendor) => q.next.get(vendor)?.due ?? undefined,
    done: async (seqs) => done(seqs),
    retry: async (seqs, at) => db.transaction(() => seqs.forEach((s) => q.retry.run(at, s)))(),
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
    close: async () => void db.close(),
  };
}
