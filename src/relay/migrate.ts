// `shoptrack-relay migrate --from <sqlite file> --to <postgres url>`: moves a shop from the embedded
// SQLite outbox to PostgreSQL without losing its queue (docs/relay.md, "Several relays on one
// PostgreSQL"). Stop the relay first. Everything waiting is copied, and what makes it safe to go on:
// the event ids seen (a browser resending after the switch is still answered duplicate), each vendor's
// per-shopper state (Aqurate's previous carts), the sync queue with its sent versions (a re-run import
// still queues nothing twice), the vendors' turns (a 429 pause) and meta. Jobs and records that were
// being sent when the relay stopped are copied as waiting, to be sent again.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { PoolClient } from 'pg';
import { pgStore } from './store-pg';

/** Rows one INSERT carries: well under PostgreSQL's 65,535 parameters for the widest table. */
const ROWS_PER_INSERT = 500;

type Row = { [column: string]: unknown };

/** Each SQLite table, its PostgreSQL table, its order, and how a row changes on the way. */
const TABLES: { from: string; to: string; order: string; row?: (r: Row) => Row }[] = [
  { from: 'seen', to: 'shoptrack_seen', order: 'id' },
  {
    from: 'jobs',
    to: 'shoptrack_jobs',
    // In their order: PostgreSQL numbers them anew, oldest first.
    order: 'seq',
    row: ({ seq: _seq, ...r }) => ({ ...r, state: r.state == 'sending' ? 'waiting' : r.state }),
  },
  { from: 'vendor_state', to: 'shoptrack_vendor_state', order: 'vendor, key' },
  { from: 'meta', to: 'shoptrack_meta', order: 'key' },
  // No relay holds a turn after the move; the last request's end and a pause carry over.
  { from: 'turns', to: 'shoptrack_turns', order: 'key', row: (r) => ({ ...r, holder: null, held_until: null }) },
  // A claim of the stopped relay ends (its due time was the lease's end): its records are due at once.
  { from: 'sync', to: 'shoptrack_sync', order: 'vendor, entity, key', row: (r) => ({ ...r, claimed_version: null, due: r.claimed_version === null ? r.due : 0, delivered: !!r.delivered }) },
];

export interface MigrateReport {
  /** Rows copied, by SQLite table. */
  copied: { [table: string]: number };
}

export async function migrateSqliteToPg(from: string, to: string, progress: (line: string) => void = () => {}): Promise<MigrateReport> {
  if (!existsSync(from)) throw new Error('--from: no SQLite file at ' + from);
  const src = new Database(from, { readonly: true, fileMustExist: true });
  // Creates (or checks) the schema, as a relay starting on it would.
  const store = pgStore(to);
  try {
    await store.ready;
    const pg = (await import('pg')).default;
    const db = new pg.Client({ connectionString: to });
    await db.connect();
    try {
      const busy = await db.query<{ n: string }>('SELECT (SELECT count(*) FROM shoptrack_jobs) + (SELECT count(*) FROM shoptrack_sync) AS n');
      if (busy.rows[0].n != '0')
        throw new Error('--to: the database already holds a queue (' + busy.rows[0].n + ' jobs and records); migrate into a database no relay has used');
      const copied: MigrateReport['copied'] = {};
      await db.query('BEGIN');
      try {
        const have = new Set(src.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
        for (const t of TABLES) {
          copied[t.from] = 0;
          if (!have.has(t.from)) continue;
          let chunk: Row[] = [];
          for (const r of src.prepare(`SELECT * FROM ${t.from} ORDER BY ${t.order}`).iterate() as IterableIterator<Row>) {
            chunk.push(t.row ? t.row(r) : r);
            if (chunk.length == ROWS_PER_INSERT) {
              await insert(db, t.to, chunk);
              copied[t.from] += chunk.length;
              chunk = [];
            }
          }
          if (chunk.length) await insert(db, t.to, chunk);
          copied[t.from] += chunk.length;
          progress(t.from + ': ' + copied[t.from] + ' row(s)');
        }
        await db.query('COMMIT');
      } catch (err) {
        await db.query('ROLLBACK');
        throw err;
      }
      return { copied };
    } finally {
      await db.end();
    }
  } finally {
    src.close();
    await store.close();
  }
}

async function insert(db: Pick<PoolClient, 'query'>, table: string, rows: Row[]): Promise<void> {
  const columns = Object.keys(rows[0]);
  const params: unknown[] = [];
  const values = rows.map((r) => '(' + columns.map((c) => '$' + params.push(r[c])).join(', ') + ')');
  await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
}

/** The `migrate` command's arguments, or the usage problem. */
export function migrateArgs(args: string[]): { from: string; to: string } | { error: string } {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const from = value('--from');
  const to = value('--to');
  if (!from) return { error: '--from: required, the SQLite file of the relay (dbPath)' };
  if (!to || !/^postgres(ql)?:\/\//.test(to)) return { error: '--to: required, a PostgreSQL URL such as postgres://user:password@host:5432/shop' };
  return { from, to };
}
