// @vitest-environment node
// The fault run of several relays on one PostgreSQL (test/pg/faults.ts), small: 600 events and 1,000 records. It
// starts a cluster of its own, since it restarts PostgreSQL. `npm run test:pg-faults` runs 10,000.
import { expect, it } from 'vitest';
import { figuresTable, runPgFaults } from './faults';

it('three relays, one SIGKILLed and PostgreSQL restarted mid-stream: every event once at each vendor, Aqurate a second apart', async () => {
  const f = await runPgFaults({ shoppers: 12, eventsPerShopper: 50, records: 1000, batch: 10, leaseMs: 10_000, vendorTimeoutMs: 5000, timeoutMs: 150_000 });
  console.log(figuresTable(f));
  expect(f.problems).toEqual([]);
  expect(f.quarticon.missing + f.aqurate.missing).toBe(0);
  expect(f.quarticon.distinct).toBe(f.quarticon.expected);
  expect(f.aqurate.distinct).toBe(f.aqurate.expected);
  expect(f.quarticon.doubled + f.aqurate.doubled).toBeLessThanOrEqual(f.inFlightAtKill + f.timedOut);
  expect(f.aqurate.minGapMs).toBeGreaterThanOrEqual(1000);
  expect(f.records.missing).toBe(0);
  expect(f.records.doubled).toBeLessThanOrEqual(f.records.inFlightAtKill);
}, 180_000);
