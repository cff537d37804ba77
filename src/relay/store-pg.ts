// The relay's outbox in PostgreSQL, for a shop that runs several relays on one database (config
// `storeUrl: postgres://…`). Same contract as the SQLite store (store.ts), made safe for many writers:
// - dedup: the event id's primary key, INSERT … ON CONFLICT DO NOTHING (never a read, then a write);
// - work: claimed with FOR UPDATE SKIP LOCKED and leased to one relay; a dead relay's lease runs out and
//   another relay sends its jobs;
// - per-shopper vendor state: its rows locked FOR UPDATE (in key order, so two batches never deadlock);
// - a vendor's turn (Aqurate's one request a second for the whole shop): one row locked FOR UPDATE,
//   timed by the database's clock, so every relay agrees whatever its own clock says.
// The driver is `pg` (node-postgres), an optional peer dependency: it is loaded only when a storeUrl
// names PostgreSQL, so the browser package never needs it.
import type { Pool, PoolClient } from 'pg';
import { nanoid } from 'nanoid';
import type { TrackedEvent } from '../events/types';
import { LEASE_MS, type TurnRow, turnWait } from './lease';
import type { Job, RelayStore, SyncEntry, SyncQueue, SyncState, SyncStatus } from './store';

/** The schema this code reads and writes; each step below moves a database one version up. */
export const PG_SCHEMA_VERSION = 1;
const MIGRATIONS: { [version: number]: string } = {
  1: `
CREATE TABLE shoptrack_seen (id TEXT PRIMARY KEY, received BIGINT NOT NULL);
CREATE INDEX shoptrack_seen_received ON shoptrack_seen (received);
CREATE TABLE shoptrack_jobs (
  seq BIGSERIAL PRIMARY KEY,
  vendor TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sending', 'failed')),
  due BIGINT NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  created BIGINT NOT NULL,
  owner TEXT,
  lease_until BIGINT,
  error TEXT
);
CREATE INDEX shoptrack_jobs_waiting ON shoptrack_jobs (vendor, due, seq) WHERE state = 'waiting';
CREATE INDEX shoptrack_jobs_sending ON shoptrack_jobs (vendor, lease_until) WHERE state = 'sending';
CREATE TABLE shoptrack_vendor_state (vendor TEXT NOT NULL, key TEXT NOT NULL, value TEXT, PRIMARY KEY (vendor, key));
CREATE TABLE shoptrack_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE shoptrack_turns (key TEXT PRIMARY KEY, holder TEXT, held_until BIGINT, last_end BIGINT NOT NULL DEFAULT 0, not_before BIGINT NOT NULL DEFAULT 0);
CREATE TABLE shoptrack_sync (
  vendor TEXT NOT NULL,
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  record TEXT NOT NULL,
  digest TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
  due BIGINT NOT NULL,
  claimed_version INTEGER,
  claimed_by TEXT,
  tries INTEGER NOT NULL DEFAULT 0,
  delivered BOOLEAN NOT NULL DEFAULT false,
  queued BIGINT NOT NULL,
  error TEXT,
  error_at BIGINT,
  PRIMARY KEY (vendor, entity, key)
);
CREATE INDEX shoptrack_sync_due ON shoptrack_sync (vendor, due) WHERE state = 'queued';
CREATE INDEX shoptrack_sync_errors ON shoptrack_sync (error_at) WHERE error IS NOT NULL;
CREATE INDEX shoptrack_sync_record ON shoptrack_sync (entity, key);
`,
};

/** Serialises schema changes of relays starting at once (an arbitrary constant: "shoptrack" in ASCII). */
const MIGRATION_LOCK = 0x73686f70747261;
/** Connections one relay keeps to the database. */
export const PG_POOL_SIZE = 10;
/** A connection not made by then fails (the request answers 503, the browser sends again) rather than hang. */
const PG_CONNECT_TIMEOUT_MS = 5000;
/** A transaction that lost a deadlock or a serialisation race is run again this many times. */
const TX_ATTEMPTS = 5;
/** The database's clock in ms: every relay times a vendor's turn by the same clock. */
const DB_NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export interface PgStoreOptions {
  /** How long a relay holds jobs it is sending, and a vendor's turn, before another relay may take them over. */
  leaseMs?: number;
  poolSize?: number;
  /** Called with errors of idle connections (a database restarting); they are replaced on the next query. */
  onError?(err: Error): void;
}

/** Whether a config value names a PostgreSQL database. */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

const num = (v: string | number | null): number => Number(v);
/** Times go into BIGINT columns: whole ms (a backoff's jitter makes fractions). */
const ms = (t: number): number => Math.round(t);

/** Loads the optional driver, with a clear error when the shop has not installed it. */
async function loadPg(): Promise<typeof import('pg')> {
  try {
    const mod = (await import('pg')) as typeof import('pg') & { default?: typeof import('pg') };
    return mod.default || mod;
  } catch (err) {
    throw new Error('storeUrl names PostgreSQL, but the `pg` package is not installed: run `npm install pg` next to shoptrack (' + (err as Error).message + ')');
  }
}

/** Creates the schema, or moves it up to PG_SCHEMA_VERSION, under a lock; refuses a newer schema. */
async function migrate(c: PoolClient): Promise<number> {
  await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await c.query('CREATE TABLE IF NOT EXISTS shoptrack_schema (version INTEGER NOT NULL, migrated_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const r = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM shoptrack_schema');
    const from = r.rows[0].v || 0;
    if (from > PG_SCHEMA_VERSION)
      throw new Error('the database has shoptrack schema version ' + from + ', newer than this relay knows (' + PG_SCHEMA_VERSION + '): upgrade the relay');
    for (let v = from + 1; v <= PG_SCHEMA_VERSION; v++) {
      await c.query('BEGIN');
      try {
        await c.query(MIGRATIONS[v]);
        await c.query('INSERT INTO shoptrack_schema (version) VALUES ($1)', [v]);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      }
    }
    return from;
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

/** The outbox in PostgreSQL; its methods wait until the schema is in place. */
export function pgStore(url: string, opts: PgStoreOptions = {}): RelayStore {
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  // This relay's name on its leases: another relay never settles jobs this one holds.
  const me = 'relay-' + process.pid + '-' + nanoid(10);
  let pool: Pool | undefined;

  const opened = (async () => {
    const pg = await loadPg();
    // BIGINT columns hold ms timestamps and sequence numbers, all well inside a double's exact range.
    pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? PG_POOL_SIZE, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
    // An idle connection cut by a restarting server must not crash the relay: the pool replaces it.
    pool.on('error', (err) => opts.onError?.(err));
    const c = await pool.connect();
    const cut = (err: Error) => opts.onError?.(err);
    c.on('error', cut);
    try {
      await migrate(c);
      // Jobs whose relay died while sending them: resent once their lease has run out.
      const r = await c.query<{ n: string }>("SELECT count(*) AS n FROM shoptrack_jobs WHERE state = 'sending' AND lease_until < $1", [Date.now()]);
      return { interrupted: num(r.rows[0].n) };
    } finally {
      c.off('error', cut);
      c.release();
    }
  })();
  // Until a method awaits it, a failed open is reported there, not as an unhandled rejection.
  opened.catch(() => {});

  const query = async <R extends object>(sql: string, params: unknown[] = []): Promise<R[]> => {
    await opened;
    return (await pool!.query<R>(sql, params)).rows;
  };

  /** Runs fn in a transaction, again when PostgreSQL chose it as a deadlock's or serialisation's victim. */
  async function tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    await opened;
    for (let attempt = 1; ; attempt++) {
      const c = await pool!.connect();
      let broken: Error | undefined;
      // A connection cut while checked out (a database restarting) emits 'error': unheard, it would end the process.
      const cut = (err: Error) => (broken = err);
      c.on('error', cut);
      try {
        await c.query('BEGIN');
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        const code = (err as { code?: string }).code;
        await c.query('ROLLBACK').catch((e: Error) => (broken = e));
        if ((code == '40P01' || code == '40001') && attempt < TX_ATTEMPTS) continue;
        throw err;
      } finally {
        // A connection that was cut, or could not even roll back, is dropped, not returned to the pool.
        c.off('error', cut);
        c.release(broken);
      }
    }
  }

  return {
    shared: true,
    ready: opened,
    sync: pgSyncQueue(query, tx, me),

    accept: (events, planners, now) =>
      tx(async (c) => {
        const known = new Set<string>();
        if (!events.length) return known;
        // Ids in a fixed order: two relays inserting overlapping batches wait for each other, never deadlock.
        const ids = [...new Set(events.map((t) => t.id))].sort();
        const inserted = await c.query<{ id: string }>(
          'INSERT INTO shoptrack_seen (id, received) SELECT id, $2 FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING RETURNING id',
          [ids, ms(now)],
        );
        const fresh = new Set(inserted.rows.map((r) => r.id));
        const planned: TrackedEvent[] = [];
        for (const t of events) {
          if (fresh.has(t.id)) {
            planned.push(t);
            fresh.delete(t.id);
          } else known.add(t.id);
        }
        if (!planned.length) return known;

        // Lock the per-shopper state rows these events read, in key order, creating the missing ones.
        const wanted = new Map<string, [string, string]>();
        for (const p of planners)
          if (p.stateKey)
            for (const t of planned) {
              const key = p.stateKey(t);
              if (key !== undefined) wanted.set(p.name + '\u0000' + key, [p.name, key]);
            }
        const state = new Map<string, string | undefined>();
        if (wanted.size) {
          const pairs = [...wanted.values()].sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1));
          const vendors = pairs.map((p) => p[0]);
          const keys = pairs.map((p) => p[1]);
          await c.query(
            'INSERT INTO shoptrack_vendor_state (vendor, key) SELECT * FROM unnest($1::text[], $2::text[]) AS t(vendor, key) ORDER BY vendor, key ON CONFLICT DO NOTHING',
            [vendors, keys],
          );
          const rows = await c.query<{ vendor: string; key: string; value: string | null }>(
            'SELECT s.vendor, s.key, s.value FROM shoptrack_vendor_state s JOIN unnest($1::text[], $2::text[]) AS t(vendor, key) ON s.vendor = t.vendor AND s.key = t.key ORDER BY s.vendor, s.key FOR UPDATE OF s',
            [vendors, keys],
          );
          for (const r of rows.rows) state.set(r.vendor + '\u0000' + r.key, r.value ?? undefined);
        }

        const jobVendors: string[] = [];
        const jobPayloads: string[] = [];
        const changed = new Map<string, [string, string, string]>();
        for (const t of planned)
          for (const p of planners) {
            const key = p.stateKey && p.stateKey(t);
            const k = p.name + '\u0000' + key;
            const prev = key !== undefined ? state.get(k) : undefined;
            const plan = p.plan(t, prev);
            for (const j of plan.jobs) {
              jobVendors.push(p.name);
              jobPayloads.push(JSON.stringify(j));
            }
            if (key !== undefined && plan.state !== undefined && plan.state !== prev) {
              state.set(k, plan.state);
              changed.set(k, [p.name, key, plan.state]);
            }
          }
        if (jobVendors.length)
          await c.query(
            'INSERT INTO shoptrack_jobs (vendor, payload, due, created) SELECT vendor, payload, $3, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(vendor, payload, n) ORDER BY n',
            [jobVendors, jobPayloads, ms(now)],
          );
        if (changed.size) {
          const ch = [...changed.values()];
          await c.query(
            'UPDATE shoptrack_vendor_state s SET value = t.value FROM unnest($1::text[], $2::text[], $3::text[]) AS t(vendor, key, value) WHERE s.vendor = t.vendor AND s.key = t.key',
            [ch.map((x) => x[0]), ch.map((x) => x[1]), ch.map((x) => x[2])],
          );
        }
        return known;
      }),

    async take(vendor, now, limit) {
      // Due jobs, and jobs whose relay's lease ran out (it died mid-request): leased to this relay.
      // SKIP LOCKED: relays taking at once each get other jobs, none waits for another.
      const rows = await query<{ seq: string; payload: string; tries: number; created: string }>(
        `UPDATE shoptrack_jobs SET state = 'sending', tries = tries + 1, owner = $4, lease_until = $2::bigint + $5::bigint
         WHERE seq IN (
           SELECT seq FROM shoptrack_jobs
           WHERE vendor = $1 AND ((state = 'waiting' AND due <= $2) OR (state = 'sending' AND lease_until <= $2))
           ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING seq, payload, tries, created`,
        [vendor, ms(now), limit, me, ms(leaseMs)],
      );
      return rows
        .map((r): Job => ({ seq: num(r.seq), payload: JSON.parse(r.payload), tries: r.tries, created: num(r.created) }))
        .sort((a, b) => a.seq - b.seq);
    },

    async nextDue(vendor) {
      // A job another relay is sending comes due again if that relay's lease runs out.
      const [r] = await query<{ at: string | null }>(
        "SELECT min(CASE WHEN state = 'waiting' THEN due ELSE lease_until END) AS at FROM shoptrack_jobs WHERE vendor = $1 AND state IN ('waiting', 'sending')",
        [vendor],
      );
      return r.at === null ? undefined : num(r.at);
    },

    // Only while this relay still holds the lease: after it ran out, another relay owns the job.
    done: async (seqs) => void (await query("DELETE FROM shoptrack_jobs WHERE seq = ANY($1::bigint[]) AND state = 'sending' AND owner = $2", [seqs, me])),
    retry: async (seqs, at) =>
      void (await query(
        "UPDATE shoptrack_jobs SET state = 'waiting', due = $2, owner = NULL, lease_until = NULL WHERE seq = ANY($1::bigint[]) AND state = 'sending' AND owner = $3",
        [seqs, ms(at), me],
      )),
    // One statement, whatever the number of relays: only waiting jobs (never one another relay holds), and
    // those locked right now are skipped (another relay is re-arming or taking them). The pause is timed
    // by the database's clock, as pauseTurn set it.
    rearm: async (vendor, now, maxTries) =>
      (
        await query(
          `UPDATE shoptrack_jobs SET due = $2 WHERE seq IN (
             SELECT seq FROM shoptrack_jobs
             WHERE vendor = $1 AND state = 'waiting' AND due > $2 AND tries BETWEEN 1 AND $3
               AND NOT EXISTS (SELECT 1 FROM shoptrack_turns WHERE key = $1 AND not_before > ${DB_NOW})
             FOR UPDATE SKIP LOCKED)
           RETURNING 1`,
          [vendor, ms(now), maxTries],
        )
      ).length,
    fail: async (seqs, error) =>
      void (await query(
        "UPDATE shoptrack_jobs SET state = 'failed', error = $2, owner = NULL, lease_until = NULL WHERE seq = ANY($1::bigint[]) AND state = 'sending' AND owner = $3",
        [seqs, error, me],
      )),

    getMeta: async (key) => (await query<{ value: string }>('SELECT value FROM shoptrack_meta WHERE key = $1', [key]))[0]?.value,
    setMeta: async (key, value) =>
      void (await query('INSERT INTO shoptrack_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])),

    async counts() {
      const out: { [vendor: string]: { waiting: number; failed: number } } = {};
      for (const r of await query<{ vendor: string; state: string; n: string }>('SELECT vendor, state, count(*) AS n FROM shoptrack_jobs GROUP BY vendor, state')) {
        const c = (out[r.vendor] ||= { waiting: 0, failed: 0 });
        if (r.state == 'failed') c.failed += num(r.n);
        else c.waiting += num(r.n);
      }
      return out;
    },

    prune: async (before) => void (await query('DELETE FROM shoptrack_seen WHERE received < $1', [ms(before)])),

    beginTurn: (key, intervalMs) =>
      tx(async (c) => {
        await c.query('INSERT INTO shoptrack_turns (key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
        // The row lock makes asking for the turn one at a time across every relay on the database.
        const [r] = (
          await c.query<{ holder: string | null; held_until: string | null; last_end: string; not_before: string; now: string }>(
            `SELECT holder, held_until, last_end, not_before, ${DB_NOW} AS now FROM shoptrack_turns WHERE key = $1 FOR UPDATE`,
            [key],
          )
        ).rows;
        const now = num(r.now);
        const row: TurnRow = { holder: r.holder, heldUntil: r.held_until === null ? null : num(r.held_until), lastEnd: num(r.last_end), notBefore: num(r.not_before) };
        const wait = turnWait(row, now, intervalMs);
        if (wait == 0) await c.query('UPDATE shoptrack_turns SET holder = $2, held_until = $3 WHERE key = $1', [key, me, now + leaseMs]);
        return wait;
      }),

    endTurn: async (key, sent, pauseMs = 0) =>
      void (await query(
        `UPDATE shoptrack_turns SET holder = NULL, held_until = NULL,
           last_end = CASE WHEN $3 THEN ${DB_NOW} ELSE last_end END,
           not_before = GREATEST(not_before, ${DB_NOW} + $4::bigint)
         WHERE key = $1 AND holder = $2`,
        [key, me, sent, Math.round(pauseMs)],
      )),

    async turnState(key, intervalMs) {
      const [r] = await query<{ holder: string | null; held_until: string | null; last_end: string; not_before: string; now: string }>(
        `SELECT t.holder, t.held_until, t.last_end, t.not_before, ${DB_NOW} AS now FROM (SELECT 1) AS one LEFT JOIN shoptrack_turns t ON t.key = $1`,
        [key],
      );
      const now = num(r.now);
      if (r.last_end === null) return { wait: 0, pausedMs: 0 };
      const row: TurnRow = { holder: r.holder, heldUntil: r.held_until === null ? null : num(r.held_until), lastEnd: num(r.last_end), notBefore: num(r.not_before) };
      return { wait: turnWait(row, now, intervalMs), pausedMs: Math.max(0, row.notBefore - now) };
    },

    pauseTurn: async (key, pauseMs) =>
      void (await query(
        `INSERT INTO shoptrack_turns (key, not_before) VALUES ($1, ${DB_NOW} + $2::bigint)
         ON CONFLICT (key) DO UPDATE SET not_before = GREATEST(shoptrack_turns.not_before, excluded.not_before)`,
        [key, Math.round(pauseMs)],
      )),

    async close() {
      await opened.catch(() => {});
      await pool?.end();
    },
  };
}

type Query = <R extends object>(sql: string, params?: unknown[]) => Promise<R[]>;
type Tx = <T>(fn: (c: PoolClient) => Promise<T>) => Promise<T>;

/** A sync entry as the transaction in `put` sees and changes it. */
interface SyncRow {
  op: string;
  record: string;
  digest: string;
  version: number;
  state: string;
  due: number;
  claimed_version: number | null;
  claimed_by: string | null;
  tries: number;
  delivered: boolean;
  queued: number;
  error: string | null;
  error_at: number | null;
}
const SYNC_COLUMNS = 'op, record, digest, version, state, due, claimed_version, claimed_by, tries, delivered, queued, error, error_at';
const SYNC_TYPES = 'text[], text[], text[], int[], text[], bigint[], int[], text[], int[], boolean[], bigint[], text[], bigint[]'.split(', ');
const syncArrays = (rows: SyncRow[]): unknown[][] => [
  rows.map((r) => r.op),
  rows.map((r) => r.record),
  rows.map((r) => r.digest),
  rows.map((r) => r.version),
  rows.map((r) => r.state),
  rows.map((r) => r.due),
  rows.map((r) => r.claimed_version),
  rows.map((r) => r.claimed_by),
  rows.map((r) => r.tries),
  rows.map((r) => r.delivered),
  rows.map((r) => r.queued),
  rows.map((r) => r.error),
  rows.map((r) => r.error_at),
];
/** Thrown inside a transaction to run it again (as PostgreSQL's own serialisation failures are). */
const raced = () => Object.assign(new Error('another relay queued the same record at once'), { code: '40001' });

/**
 * The sync queue (store.ts SyncQueue) in PostgreSQL, for relays sharing the database: `put` locks the
 * entries it changes (FOR UPDATE, in key order) and inserts new ones under the primary key (a relay
 * that inserted the same entry at once makes the transaction run again); `claim` leases entries with
 * FOR UPDATE SKIP LOCKED, and only the claiming relay settles them.
 */
function pgSyncQueue(query: Query, tx: Tx, me: string): SyncQueue {
  const sep = '\u0000';
  return {
    put: (vendors, changes, at) =>
      tx(async (c) => {
        const now = ms(at);
        if (!vendors.length || !changes.length) return 0;
        const keys = new Map<string, [string, string, string]>();
        for (const vendor of vendors) for (const ch of changes) keys.set(vendor + sep + ch.entity + sep + ch.key, [vendor, ch.entity, ch.key]);
        const list = [...keys.values()].sort((a, b) => (a.join(sep) < b.join(sep) ? -1 : 1));
        const found = await c.query<SyncRow & { vendor: string; entity: string; key: string }>(
          `SELECT s.vendor, s.entity, s.key, ${SYNC_COLUMNS} FROM shoptrack_sync s JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(vendor, entity, key)
             ON s.vendor = t.vendor AND s.entity = t.entity AND s.key = t.key ORDER BY s.vendor, s.entity, s.key FOR UPDATE OF s`,
          [list.map((k) => k[0]), list.map((k) => k[1]), list.map((k) => k[2])],
        );
        const before = new Map<string, SyncRow>();
        for (const r of found.rows) before.set(r.vendor + sep + r.entity + sep + r.key, { ...r, due: num(r.due), queued: num(r.queued), error_at: r.error_at === null ? null : num(r.error_at) });
        const rows = new Map<string, SyncRow | undefined>(before);
        const changed = new Set<string>();
        let queued = 0;
        // The same rules, in the same order, as the SQLite queue (store.ts sqliteSyncQueue).
        for (const vendor of vendors)
          for (const ch of changes) {
            const k = vendor + sep + ch.entity + sep + ch.key;
            const row = rows.get(k);
            if (!row) {
              // A delete of a record this vendor never had: nothing to do.
              if (ch.op == 'delete') continue;
              rows.set(k, { op: ch.op, record: ch.record, digest: ch.digest, version: 1, state: 'queued', due: now, claimed_version: null, claimed_by: null, tries: 0, delivered: false, queued: now, error: null, error_at: null });
            } else if (row.digest == ch.digest && row.state != 'failed') continue;
            else if (ch.op == 'delete' && !row.delivered && row.claimed_version === null) rows.set(k, undefined);
            else
              rows.set(k, {
                ...row,
                op: ch.op,
                record: ch.record,
                digest: ch.digest,
                version: row.version + 1,
                state: 'queued',
                tries: 0,
                // A claimed entry keeps its lease as its due time: the new version waits for the claim to settle.
                due: row.claimed_version === null ? now : row.due,
                queued: now,
                error: null,
                error_at: null,
              });
            changed.add(k);
            queued++;
          }
        const removed: [string, string, string][] = [];
        const inserted: [[string, string, string], SyncRow][] = [];
        const updated: [[string, string, string], SyncRow][] = [];
        for (const k of changed) {
          const row = rows.get(k);
          const id = keys.get(k)!;
          if (!row) {
            if (before.has(k)) removed.push(id);
          } else if (before.has(k)) updated.push([id, row]);
          else inserted.push([id, row]);
        }
        const ids = (xs: [string, string, string][]) => [xs.map((x) => x[0]), xs.map((x) => x[1]), xs.map((x) => x[2])];
        if (removed.length)
          await c.query(
            'DELETE FROM shoptrack_sync s USING unnest($1::text[], $2::text[], $3::text[]) AS t(vendor, entity, key) WHERE s.vendor = t.vendor AND s.entity = t.entity AND s.key = t.key',
            ids(removed),
          );
        const cols = (from: number) => SYNC_TYPES.map((t, i) => '$' + (from + i) + '::' + t).join(', ');
        if (inserted.length) {
          const r = await c.query(
            `INSERT INTO shoptrack_sync (vendor, entity, key, ${SYNC_COLUMNS})
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], ${cols(4)}) ON CONFLICT DO NOTHING`,
            [...ids(inserted.map((x) => x[0])), ...syncArrays(inserted.map((x) => x[1]))],
          );
          // Another relay queued one of these records since the lock above: decide again from its entry.
          if (r.rowCount !== inserted.length) throw raced();
        }
        if (updated.length)
          await c.query(
            `UPDATE shoptrack_sync s SET (${SYNC_COLUMNS}) = (t.op, t.record, t.digest, t.version, t.state, t.due, t.claimed_version, t.claimed_by, t.tries, t.delivered, t.queued, t.error, t.error_at)
             FROM unnest($1::text[], $2::text[], $3::text[], ${cols(4)}) AS t(vendor, entity, key, ${SYNC_COLUMNS})
             WHERE s.vendor = t.vendor AND s.entity = t.entity AND s.key = t.key`,
            [...ids(updated.map((x) => x[0])), ...syncArrays(updated.map((x) => x[1]))],
          );
        return queued;
      }),

    async claim(vendor, now, limit, leaseMs) {
      const rows = await query<{ entity: string; key: string; op: 'upsert' | 'delete'; record: string; version: number; tries: number; delivered: boolean; queued: string; was_due: string }>(
        `WITH picked AS (
           SELECT vendor, entity, key, due FROM shoptrack_sync WHERE vendor = $1 AND state = 'queued' AND due <= $2
           ORDER BY due, entity, key LIMIT $3 FOR UPDATE SKIP LOCKED)
         UPDATE shoptrack_sync s SET due = $2::bigint + $4::bigint, claimed_version = s.version, claimed_by = $5, tries = s.tries + 1
         FROM picked p WHERE s.vendor = p.vendor AND s.entity = p.entity AND s.key = p.key
         RETURNING s.entity, s.key, s.op, s.record, s.version, s.tries, s.delivered, s.queued, p.due AS was_due`,
        [vendor, ms(now), limit, ms(leaseMs), me],
      );
      return rows
        .sort((a, b) => num(a.was_due) - num(b.was_due) || (a.entity + sep + a.key < b.entity + sep + b.key ? -1 : 1))
        .map((r): SyncEntry => ({ vendor, entity: r.entity, key: r.key, op: r.op, record: r.record, version: r.version, tries: r.tries, delivered: r.delivered, queued: num(r.queued) }));
    },

    async settle(outcomes, now) {
      if (!outcomes.length) return;
      const col = <T>(f: (o: (typeof outcomes)[number]) => T) => outcomes.map(f);
      // Only this relay's claims: once its lease ran out, another relay may hold the entry.
      await query(
        `UPDATE shoptrack_sync s SET claimed_version = NULL, claimed_by = NULL, delivered = t.delivered,
           state = CASE WHEN s.version = t.version THEN t.state ELSE 'queued' END,
           due = CASE WHEN s.version = t.version THEN t.due ELSE $10 END,
           error = CASE WHEN s.version = t.version THEN t.error ELSE s.error END,
           error_at = CASE WHEN s.version = t.version THEN t.at ELSE s.error_at END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::boolean[], $8::text[], $9::bigint[])
           AS t(vendor, entity, key, version, state, due, delivered, error, at)
         WHERE s.vendor = t.vendor AND s.entity = t.entity AND s.key = t.key AND s.claimed_version = t.version AND s.claimed_by = $11`,
        [
          col((o) => o.entry.vendor),
          col((o) => o.entry.entity),
          col((o) => o.entry.key),
          col((o) => o.entry.version),
          col((o) => ('sent' in o ? 'sent' : 'retryAt' in o ? 'queued' : 'failed')),
          col((o) => ms('retryAt' in o ? o.retryAt : now)),
          // After a delivered delete the vendor no longer has the record; a delivered upsert it has.
          col((o) => ('sent' in o ? o.entry.op == 'upsert' : o.entry.delivered)),
          col((o) => ('sent' in o ? null : 'retryAt' in o ? o.error : o.failed)),
          col((o) => ('sent' in o ? null : ms(now))),
          ms(now),
          me,
        ],
      );
    },

    async nextDue(vendor) {
      const [r] = await query<{ due: string | null }>("SELECT min(due) AS due FROM shoptrack_sync WHERE vendor = $1 AND state = 'queued'", [vendor]);
      return r.due === null ? undefined : num(r.due);
    },

    // As the jobs' rearm: one statement, claimed entries (due is their lease's end) and locked ones left alone.
    rearm: async (vendor, now, maxTries) =>
      (
        await query(
          `UPDATE shoptrack_sync s SET due = $2 FROM (
             SELECT vendor, entity, key FROM shoptrack_sync
             WHERE vendor = $1 AND state = 'queued' AND claimed_version IS NULL AND due > $2 AND tries BETWEEN 1 AND $3
               AND NOT EXISTS (SELECT 1 FROM shoptrack_turns WHERE key = $1 AND not_before > ${DB_NOW})
             FOR UPDATE SKIP LOCKED) p
           WHERE s.vendor = p.vendor AND s.entity = p.entity AND s.key = p.key
           RETURNING 1`,
          [vendor, ms(now), maxTries],
        )
      ).length,

    // Relays share the database: only claims whose lease has run out are ended; the others' relays may be sending.
    release: async (now) => (await query("UPDATE shoptrack_sync SET claimed_version = NULL, claimed_by = NULL WHERE claimed_version IS NOT NULL AND due <= $1 RETURNING 1", [ms(now)])).length,

    latest: async (entity, key) =>
      (await query<{ record: string }>("SELECT record FROM shoptrack_sync WHERE entity = $1 AND key = $2 AND op = 'upsert' ORDER BY queued DESC LIMIT 1", [entity, key]))[0]?.record,

    // Paged by key: the comparison and the order use the same collation, so no page skips a key.
    records: async (vendor, entity, afterKey, limit) =>
      query<{ key: string; record: string }>(
        "SELECT key, record FROM shoptrack_sync WHERE vendor = $1 AND entity = $2 AND op = 'upsert' AND key > $3 ORDER BY key LIMIT $4",
        [vendor, entity, afterKey, limit],
      ),

    async status(errors = 10) {
      const counts: SyncStatus['counts'] = {};
      for (const r of await query<{ vendor: string; entity: string; state: string; n: string }>('SELECT vendor, entity, state, count(*) AS n FROM shoptrack_sync GROUP BY vendor, entity, state')) {
        const byEntity = (counts[r.vendor] ||= {});
        const c = (byEntity[r.entity] ||= { waiting: 0, sent: 0, failed: 0 });
        c[r.state == 'queued' ? 'waiting' : (r.state as SyncState)] += num(r.n);
      }
      const list = await query<{ vendor: string; entity: string; key: string; error: string; at: string; state: string }>(
        'SELECT vendor, entity, key, error, error_at AS at, state FROM shoptrack_sync WHERE error IS NOT NULL ORDER BY error_at DESC LIMIT $1',
        [errors],
      );
      return { counts, errors: list.map((e) => ({ ...e, at: num(e.at), state: (e.state == 'queued' ? 'waiting' : e.state) as SyncState })) };
    },
  };
}
