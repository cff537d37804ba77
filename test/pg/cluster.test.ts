// @vitest-environment node
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { createDatabase } from './cluster';

it('the throwaway cluster answers, and each database made on it starts empty', async () => {
  const url = await createDatabase(inject('pgUrl'));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ v: string; n: string }>("SELECT current_setting('server_version_num') AS v, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS n");
    expect(Number(r.rows[0].v)).toBeGreaterThanOrEqual(120000);
    expect(r.rows[0].n).toBe('0');
  } finally {
    await c.end();
  }
});
