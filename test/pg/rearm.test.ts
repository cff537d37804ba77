// A vendor's 2xx makes its failed jobs and records due again (test/relay/rearm-suite.ts), on PostgreSQL.
import { inject } from 'vitest';
import { pgStore } from '../../src/relay/store-pg';
import { rearmSuite } from '../relay/rearm-suite';
import { createDatabase } from './cluster';

rearmSuite('postgres', async () => {
  const url = await createDatabase(inject('pgUrl'));
  return () => pgStore(url);
});
