// The sync soak in small (npm run test:sync-soak runs 120,000 records and two kills): an import, and
// the relay SIGKILLed while it delivers; every record reaches the DataCue stand-in, none twice beyond
// the batch in flight at the kill.
import { expect, it } from 'vitest';
import { syncRun } from '../../bench/sync-run';

it('delivers every imported record across a SIGKILL of the relay, resending at most the batch in flight', async () => {
  const r = await syncRun({ orders: 3000, products: 600, kills: 1 });
  expect(r.missing).toEqual([]);
  expect(r.delivered).toBe(3600);
  expect(r.duplicates).toBeLessThanOrEqual(500);
  expect(r.import.output).toContain('3,000 accepted, 0 invalid');
}, 120_000);
