// The sync queue's rules (store.ts SyncQueue) on the SQLite store; test/pg runs the same on PostgreSQL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '../../src/relay/store';
import { syncQueueSuite } from './sync-queue-suite';

syncQueueSuite('sqlite', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sync-store-')), 'relay.sqlite');
  return () => sqliteStore(path);
});
