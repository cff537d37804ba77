// A vendor's 2xx makes its failed jobs and records due again, on the SQLite store; test/pg runs the same on PostgreSQL.
import { sqliteStore } from '../../src/relay/store';
import { tempDb } from './harness';
import { rearmSuite } from './rearm-suite';

rearmSuite('sqlite', async () => {
  const path = tempDb();
  return () => sqliteStore(path);
});
