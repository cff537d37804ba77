// The fault run of several relays on one PostgreSQL (issue 13): three relay processes share one
// throwaway cluster; shoppers' batches go to them round robin (each shopper's batches in order, as one
// tab's outbox sends them, a batch not answered 200 sent again to the next relay); one relay is killed
// with SIGKILL mid-stream and PostgreSQL itself is restarted once (an immediate stop: clients cut off,
// crash recovery at start). Every event must reach the Quarticon and Aqurate stand-ins, none twice
// beyond the jobs the killed relay had on the wire, and Aqurate must never see two requests less than a
// second apart. Meanwhile an import posts the shop's customers to the relays' admin API (round robin,
// 500 a request): every record must reach the DataCue backend stand-in, none twice beyond the batches
// the killed relay had claimed. `npm run test:pg-faults` runs it at full size; test/pg/faults.test.ts a small one.
import pg from 'pg';
import { type DataCueBackendStandIn, DATACUE_DEMO_API_KEY, DATACUE_DEMO_API_SECRET, datacueBackendStandIn } from '../../demo/standins/datacue-backend';
import { QUARTICON_DEMO_CUSTOMER } from '../../demo/standins/quarticon';
import type { TrackedEvent } from '../../src/events/types';
import { type Vendors, chunks, exited, expectedAtVendors, postEvents, relayProcess, shopperEvents, startVendors, tally, testConfig, testEnv } from '../relay/harness';
import { type PgCluster, createDatabase, freePort, startCluster } from './cluster';

export interface PgFaultOptions {
  shoppers: number;
  eventsPerShopper: number;
  /** Customer records imported through the admin API while the events stream. */
  records: number;
  /** Events per request (the browser sends up to 100; smaller batches make more requests to share out). */
  batch: number;
  /** The relays' lease (storeLeaseMs): how soon the killed relay's jobs go out again. */
  leaseMs: number;
  /** The relays' vendor timeout (the lease must be at least twice it). */
  vendorTimeoutMs: number;
  /** The whole run stops after this, passed or not. */
  timeoutMs: number;
  progress?: (line: string) => void;
}

export interface PgFaultFigures {
  events: number;
  relays: number;
  quarticon: { expected: number; distinct: number; doubled: number; missing: number };
  aqurate: { expected: number; distinct: number; doubled: number; missing: number; requests: number; minGapMs: number };
  /** Jobs leased to the killed relay when it died: they may reach a vendor twice. */
  inFlightAtKill: number;
  /** Payloads that arrived twice though the killed relay did not have them on the wire. */
  doubledElsewhere: number;
  /**
   * Jobs a relay sent again after its request timed out (a machine too busy to answer in time): the
   * vendor may have taken the first one, so these too may arrive twice.
   */
  timedOut: number;
  /** The shop's records through the admin API to the DataCue stand-in. */
  records: { expected: number; delivered: number; doubled: number; missing: number; inFlightAtKill: number };
  /** Batches the client had to send again (a refused or unanswered request). */
  resent: number;
  /** Events the relays answered duplicate (a batch resent after its first answer was lost). */
  answeredDuplicate: number;
  killedAtEvent: number;
  restartedAtEvent: number;
  pgDownMs: number;
  seconds: number;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ADMIN_TOKEN = 'pg-faults-admin-token-0123456789';
/** Records a request of the import carries (the admin API takes up to 1,000). */
const RECORDS_PER_REQUEST = 500;


export async function runPgFaults(o: PgFaultOptions): Promise<PgFaultFigures> {
  const say = o.progress || (() => {});
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const problems: string[] = [];
  let cluster: PgCluster | undefined;
  let v: Vendors | undefined;
  let datacue: DataCueBackendStandIn | undefined;
  const procs: ReturnType<typeof relayProcess>[] = [];
  try {
    cluster = await startCluster();
    const storeUrl = await createDatabase(cluster.url);
    v = await startVendors();
    const vendors = v;
    datacue = datacueBackendStandIn();
    await datacue.start(0);
    const dc = datacue;
    const ports = await Promise.all([0, 1, 2].map(() => freePort()));
    const env = (port: number) => ({
      ...testEnv({ ...testConfig(vendors), port }),
      SHOPTRACK_RELAY_STORE_URL: storeUrl,
      SHOPTRACK_RELAY_STORE_LEASE_MS: String(o.leaseMs),
      SHOPTRACK_RELAY_VENDOR_TIMEOUT_MS: String(o.vendorTimeoutMs),
      SHOPTRACK_RELAY_SYNC_LEASE_MS: String(o.leaseMs),
      SHOPTRACK_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      SHOPTRACK_RELAY_DATACUE_API_URL: dc.url.replace(/\/$/, ''),
      SHOPTRACK_RELAY_DATACUE_API_KEY: DATACUE_DEMO_API_KEY,
      SHOPTRACK_RELAY_DATACUE_API_SECRET: DATACUE_DEMO_API_SECRET,
    });
    for (const port of ports) procs.push(relayProcess(env(port)));
    await Promise.all(procs.map((p) => p.ready));
    say('3 relays on ' + storeUrl.replace(/^.*@/, ''));

    const shoppers = Array.from({ length: o.shoppers }, (_, s) => shopperEvents(1000 + s, o.eventsPerShopper));
    const events = shoppers.flat();
    const want = expectedAtVendors(events, QUARTICON_DEMO_CUSTOMER);
    const alive = [true, true, true];
    let turn = 0;
    const nextBase = () => {
      for (;;) {
        const i = turn++ % 3;
        if (alive[i]) return 'http://127.0.0.1:' + ports[i];
      }
    };
    let acceptedEvents = 0;
    let answeredDuplicate = 0;
    let resent = 0;
    const send = async (batches: TrackedEvent[][]) => {
      for (const b of batches)
        for (;;) {
          if (Date.now() > deadline) throw new Error('timed out sending');
          const a = await postEvents(nextBase(), b).catch(() => undefined);
          if (a?.status == 200) {
            for (const r of a.results!) {
              if (r.status == 'accepted') acceptedEvents++;
              else if (r.status == 'duplicate') answeredDuplicate++;
              else problems.push('invalid event ' + r.id + ': ' + r.error);
            }
            break;
          }
          resent++;
          await sleep(100);
        }
    };
    // The import: customers, 500 a request, each request to the next live relay, again until answered.
    const customers = Array.from({ length: o.records }, (_, i) => ({ customer_id: 'c' + i, first_name: 'Shopper ' + i, email: 'c' + i + '@shop.example' }));
    let importedRecords = 0;
    const importing = (async () => {
      for (const batch of chunks(customers, RECORDS_PER_REQUEST))
        for (;;) {
          if (Date.now() > deadline) throw new Error('timed out importing');
          const r = await fetch(nextBase() + '/admin/customers', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer ' + ADMIN_TOKEN },
            body: JSON.stringify({ records: batch }),
          }).catch(() => undefined);
          if (r?.status == 200) {
            const results = ((await r.json()) as { results: { status: string }[] }).results;
            importedRecords += results.filter((x) => x.status == 'accepted').length;
            break;
          }
          await r?.body?.cancel();
          resent++;
          await sleep(100);
        }
    })();
    const sending = Promise.all([importing, ...shoppers.map((evs) => send(chunks(evs, o.batch)))]);
    const ticker = setInterval(
      () => say(`${Math.round((Date.now() - started) / 1000)} s: ${acceptedEvents}/${events.length} accepted, ${resent} resent; Quarticon ${vendors.quarticon.events().length}, Aqurate rows ${vendors.aqurate.rows().length}`),
      5000,
    );

    // The faults, at a third and at two thirds of the stream.
    const reached = async (n: number) => {
      while (acceptedEvents < n) {
        if (Date.now() > deadline) throw new Error('timed out waiting for ' + n + ' events accepted');
        await sleep(20);
      }
    };
    await reached(events.length / 3);
    const killedAtEvent = acceptedEvents;
    const victim = procs[2].child;
    alive[2] = false;
    victim.kill('SIGKILL');
    await exited(victim);
    // What the dead relay held: its leases name its process.
    const db = new pg.Client({ connectionString: storeUrl });
    await db.connect();
    const held = await db.query<{ payload: string }>("SELECT payload FROM shoptrack_jobs WHERE state = 'sending' AND owner LIKE $1", ['relay-' + victim.pid + '-%']);
    const heldRecords = await db.query<{ n: string }>('SELECT count(*) AS n FROM shoptrack_sync WHERE claimed_by LIKE $1', ['relay-' + victim.pid + '-%']);
    await db.end();
    const inFlightAtKill = held.rows.length;
    // What exactly it had on the wire (a payload as the stand-ins record it): the only jobs that may
    // arrive twice, when no request timed out at a relay.
    const onTheWire = new Set(held.rows.map((r) => JSON.stringify(JSON.parse(r.payload))));
    const recordsInFlightAtKill = Number(heldRecords.rows[0].n);
    say(`SIGKILL relay 3 at ${killedAtEvent} events accepted, ${inFlightAtKill} job(s) and ${recordsInFlightAtKill} record(s) on the wire`);

    await reached((2 * events.length) / 3);
    const restartedAtEvent = acceptedEvents;
    const down = Date.now();
    cluster.restart();
    const pgDownMs = Date.now() - down;
    say(`PostgreSQL restarted at ${restartedAtEvent} events accepted (down ${pgDownMs} ms)`);

    await sending.finally(() => clearInterval(ticker));
    say(`all ${events.length} events answered; waiting for the vendors`);
    const distinctQ = () => new Set(vendors.quarticon.events().map((b) => JSON.stringify(b))).size;
    const distinctA = () => new Set(vendors.aqurate.rows().map((r) => JSON.stringify(r))).size;
    let told = Date.now();
    while (distinctQ() < want.q.length || distinctA() < want.a.length || dc.users.size < o.records) {
      if (Date.now() - told > 10_000) {
        say(`${Math.round((Date.now() - started) / 1000)} s: Quarticon ${distinctQ()}/${want.q.length}, Aqurate rows ${distinctA()}/${want.a.length}, DataCue records ${dc.users.size}/${o.records}`);
        told = Date.now();
      }
      if (Date.now() > deadline) {
        problems.push(`timed out with Quarticon ${distinctQ()}/${want.q.length}, Aqurate ${distinctA()}/${want.a.length}, DataCue users ${dc.users.size}/${o.records}`);
        break;
      }
      await sleep(200);
    }
    // Nothing may come later: the outbox is empty (no job waiting, none on the wire).
    const check = new pg.Client({ connectionString: storeUrl });
    await check.connect();
    for (;;) {
      const r = await check.query<{ n: string }>(
        "SELECT (SELECT count(*) FROM shoptrack_jobs WHERE state <> 'failed') + (SELECT count(*) FROM shoptrack_sync WHERE state = 'queued') AS n",
      );
      if (r.rows[0].n == '0') break;
      // Without that proof, no count below can say "nothing more will come".
      if (Date.now() > deadline) {
        problems.push(`timed out with ${r.rows[0].n} job(s) or record(s) still in the outbox`);
        break;
      }
      await sleep(200);
    }
    const failed = await check.query<{ n: string; error: string | null }>("SELECT count(*) AS n, min(error) AS error FROM shoptrack_jobs WHERE state = 'failed'");
    await check.end();
    if (failed.rows[0].n != '0') problems.push(failed.rows[0].n + ' job(s) failed for good: ' + failed.rows[0].error);

    const count = (got: string[], expected: string[]) => {
      const t = tally(got);
      const doubled = [...t.values()].reduce((n, c) => n + c - 1, 0);
      doubledElsewhere += [...t].filter(([x, c]) => c > 1 && !onTheWire.has(x)).length;
      const missing = [...new Set(expected)].filter((x) => !t.has(x)).length;
      const phantom = [...t.keys()].filter((x) => !expected.includes(x)).length;
      if (phantom) problems.push(phantom + ' payload(s) nobody tracked');
      return { expected: expected.length, distinct: t.size, doubled, missing };
    };
    let doubledElsewhere = 0;
    const q = count(vendors.quarticon.events().map((b) => JSON.stringify(b)), want.q);
    const a = count(vendors.aqurate.rows().map((r) => JSON.stringify(r)), want.a);
    const userCounts = customers.map((c) => dc.accepted.get('users:' + c.customer_id) || 0);
    const records = {
      expected: o.records,
      delivered: userCounts.filter((n) => n > 0).length,
      doubled: userCounts.reduce((n, c) => n + Math.max(0, c - 1), 0),
      missing: userCounts.filter((n) => n == 0).length,
      inFlightAtKill: recordsInFlightAtKill,
    };
    if (importedRecords != o.records) problems.push(`${importedRecords} of ${o.records} records answered accepted`);
    if (records.missing) problems.push(`${records.missing} record(s) never reached DataCue`);
    if (records.doubled > recordsInFlightAtKill) problems.push(`${records.doubled} record(s) sent twice, more than the ${recordsInFlightAtKill} claimed by the killed relay`);
    const times = vendors.aqurate.postTimes();
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    const minGapMs = gaps.length ? Math.min(...gaps) : 0;
    // A batch whose answer was lost (the database restarting under it) is answered duplicate when resent.
    if (acceptedEvents + answeredDuplicate != events.length) problems.push(`${acceptedEvents} accepted and ${answeredDuplicate} duplicate answers for ${events.length} events`);
    if (q.missing || a.missing) problems.push(`lost: ${q.missing} at Quarticon, ${a.missing} Aqurate rows`);
    // What the relays' logs say they sent again after a timeout.
    let timedOut = 0;
    for (const p of procs)
      for (const l of p.log) {
        const m = /will retry (\d+) job\(s\).*TimeoutError/.exec(l);
        if (m) timedOut += Number(m[1]);
      }
    if (q.doubled + a.doubled > inFlightAtKill + timedOut)
      problems.push(`${q.doubled + a.doubled} sent twice, more than the ${inFlightAtKill} job(s) on the wire at the kill and ${timedOut} sent again after a timeout`);
    // Not only as many: the very jobs the killed relay had on the wire (when no request timed out, whose
    // jobs the logs count but do not name).
    if (!timedOut && doubledElsewhere) problems.push(`${doubledElsewhere} payload(s) sent twice that the killed relay did not have on the wire`);
    if (minGapMs < 1000) problems.push(`Aqurate saw two requests ${minGapMs} ms apart`);
    return {
      events: events.length,
      relays: 3,
      quarticon: q,
      aqurate: { ...a, requests: times.length, minGapMs },
      inFlightAtKill,
      doubledElsewhere,
      timedOut,
      records,
      resent,
      answeredDuplicate,
      killedAtEvent,
      restartedAtEvent,
      pgDownMs,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      problems,
    };
  } catch (err) {
    problems.push(String(err));
    throw err;
  } finally {
    // On a problem, the relays' own words (errors and warnings) say why.
    if (problems.length)
      for (const [i, p] of procs.entries()) for (const l of p.log.filter((x) => !x.includes('"info"')).slice(-8)) say('relay ' + (i + 1) + ': ' + l.slice(0, 400));
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    }
    await Promise.race([Promise.all(procs.map((p) => exited(p.child))), sleep(10000)]);
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await v?.close();
    await datacue?.close();
    cluster?.stop();
  }
}

/** The figures as docs/faults.md shows them. */
export function figuresTable(f: PgFaultFigures): string {
  return [
    '| | Quarticon events | Aqurate rows |',
    '| --- | ---: | ---: |',
    `| expected | ${f.quarticon.expected} | ${f.aqurate.expected} |`,
    `| received (distinct) | ${f.quarticon.distinct} | ${f.aqurate.distinct} |`,
    `| lost | ${f.quarticon.missing} | ${f.aqurate.missing} |`,
    `| sent twice | ${f.quarticon.doubled} | ${f.aqurate.doubled} |`,
    `| of those, not on the wire at the kill | ${f.doubledElsewhere} (both vendors) | |`,
    '',
    '| | DataCue records (admin API import) |',
    '| --- | ---: |',
    `| expected | ${f.records.expected} |`,
    `| delivered | ${f.records.delivered} |`,
    `| lost | ${f.records.missing} |`,
    `| sent twice | ${f.records.doubled} (claimed by the killed relay: ${f.records.inFlightAtKill}) |`,
    '',
    `${f.events} events from 3 relays on one PostgreSQL in ${f.seconds} s; relay 3 SIGKILLed at ${f.killedAtEvent} events accepted ` +
      `with ${f.inFlightAtKill} job(s) on the wire (${f.timedOut} more sent again after a vendor timeout); PostgreSQL restarted at ${f.restartedAtEvent} (down ${f.pgDownMs} ms); ` +
      `${f.resent} batch(es) resent by the client, ${f.answeredDuplicate} event(s) answered duplicate; ` +
      `Aqurate: ${f.aqurate.requests} requests, least gap ${f.aqurate.minGapMs} ms.`,
  ].join('\n');
}
