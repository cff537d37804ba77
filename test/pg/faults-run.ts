// `npm run test:pg-faults`: the fault run of three relays on one PostgreSQL at full size (10,000 events, 20,000 records),
// bounded in time; prints the figures for docs/faults.md and exits non-zero on any problem.
import { figuresTable, runPgFaults } from './faults';

const events = Number(process.env.PG_FAULTS_EVENTS) || 10_000;
const perShopper = 100;
const f = await runPgFaults({
  shoppers: Math.ceil(events / perShopper),
  eventsPerShopper: perShopper,
  records: Number(process.env.PG_FAULTS_RECORDS) || 20_000,
  batch: 20,
  leaseMs: 25_000,
  vendorTimeoutMs: 10_000,
  timeoutMs: (Number(process.env.PG_FAULTS_TIMEOUT_S) || 8 * 60) * 1000,
  progress: (l) => console.log(l),
});
console.log('\n' + figuresTable(f) + '\n');
console.log(f.problems.length ? 'FAIL: ' + f.problems.join('; ') : 'ok: nothing lost, nothing sent twice beyond the jobs on the wire at the kill or after a vendor timeout');
process.exit(f.problems.length ? 1 : 0);
