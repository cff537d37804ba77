// One page load of one SDK in a fresh browser context: load and first page view, then 1,000 track
// calls until the collector has them all. Main-thread time is CDP's TaskDuration (the renderer main
// thread's busy time, every task: script, microtasks, IndexedDB and network callbacks, GC, style).
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { Blocker } from './blocker';
import { type Collector, type Delivery, newDelivery } from './collector';
import type { Calls, PageRecord } from './page';

export const EVENTS = 1000;
/** Quiet time after a delivery before the main-thread clock is read, so the SDK's answer handling counts. */
const TAIL_MS = 250;
/** Give up on the missing events after this long without a new one (a peer may drop them). */
const STALL_MS = 5000;
const CAP_MS = 60_000;

export interface Run {
  sdk: string;
  /** Synchronous evaluation of the script (marks around it), ms. */
  evalMs: number;
  /** Main-thread busy time from adding the script until the page view was delivered (+ tail), ms. */
  initMs: number;
  /** Wall time from adding the script until the collector had the page view, ms. */
  pageViewAfterMs: number;
  /** The 1,000 synchronous track calls, ms. */
  callsMs: number;
  /** Main-thread busy time from the first call until all were delivered (+ tail), ms. */
  sendMs: number;
  /** Wall time from the first call until the last event reached the collector, ms. */
  deliveredMs: number;
  /** Until every track() promise settled (shoptrack: stored in IndexedDB), ms. */
  storedMs?: number;
  delivered: number;
  duplicates: number;
  requests: number;
  preflights: number;
  /** Readwrite IndexedDB transactions that stored the 1,000 events, and the puts each carried. */
  idbWrites?: number[];
  longtasks: number;
  /** Of those, the ones that started with or after the 1,000 calls' loop. */
  longtasksCalls: number;
  longestTaskMs: number;
  /** JS heap used after a forced GC: after init, and after the 1,000 events were delivered (bytes). */
  heapInit: number;
  heapEnd: number;
  malformed: string[];
  blocked: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function metrics(cdp: CDPSession): Promise<{ [name: string]: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function heap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await metrics(cdp)).JSHeapUsedSize;
}

/** Waits until `done` holds, or nothing new arrived for STALL_MS, or CAP_MS passed. */
async function until(d: Delivery, done: () => boolean): Promise<void> {
  const start = Date.now();
  let seen = -1;
  let changed = Date.now();
  while (!done() && Date.now() - start < CAP_MS) {
    const n = d.events.size + d.pageViews + d.requests;
    if (n != seen) (seen = n), (changed = Date.now());
    else if (Date.now() - changed > STALL_MS) return;
    await sleep(5);
  }
}

export async function measure(browser: Browser, blocker: Blocker, collector: Collector, pages: string, sdk: string): Promise<Run> {
  // Nothing leaves the machine: every other host goes to the blocking proxy, which refuses it.
  const context = await browser.newContext({ proxy: { server: blocker.server, bypass: '127.0.0.1' } });
  const blocked: string[] = [];
  context.on('request', (r) => {
    if (new URL(r.url()).hostname != '127.0.0.1') blocked.push(r.method() + ' ' + r.url());
  });
  blocker.take();
  const page: Page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const d = newDelivery();
  collector.current = d;
  try {
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(`${pages}/page/${sdk}`, { waitUntil: 'load' });
    await sleep(100);

    // 1. Evaluate, initialise, send the first page view.
    const m0 = await metrics(cdp);
    const insertedAt = await page.evaluate((src) => {
      const s = document.createElement('script');
      s.src = src;
      document.head.append(s);
      return performance.timeOrigin + performance.now();
    }, `/sdk/${sdk}.js`);
    if (sdk != 'none') await until(d, () => d.pageViews > 0);
    await sleep(TAIL_MS);
    const m1 = await metrics(cdp);
    const evalMs = await page.evaluate(() => {
      const s = performance.getEntriesByName('sdk:eval-start')[0];
      const e = performance.getEntriesByName('sdk:eval-end')[0];
      return s && e ? e.startTime - s.startTime : NaN;
    });
    const heapInit = await heap(cdp);

    // 2. 1,000 track calls in one tick, until all are delivered.
    const m2 = await metrics(cdp);
    // The loop runs in a task of its own (a timer), as a shop's code would: a loop run straight from
    // CDP's evaluate is a DevTools task, which the long task observer does not see.
    const calls = await page.evaluate(
      (n) =>
        new Promise<Calls>((resolve) =>
          setTimeout(() => {
            const w = window as unknown as { benchTrack: (i: number) => unknown; bench: PageRecord & { calls?: Calls } };
            const idbBefore = w.bench.idb.length;
            const t0 = performance.now();
            const ps: unknown[] = [];
            for (let i = 0; i < n; i++) ps.push(w.benchTrack(i));
            const t1 = performance.now();
            const c: Calls = (w.bench.calls = { t0, t1, wall0: performance.timeOrigin + t0 });
            Promise.allSettled(ps).then(() => {
              c.settled = performance.now();
              c.idb = w.bench.idb.slice(idbBefore);
            });
            resolve(c);
          }, 0),
        ),
      EVENTS,
    );
    if (sdk != 'none') await until(d, () => d.events.size >= EVENTS);
    await sleep(TAIL_MS);
    const m3 = await metrics(cdp);
    const rec = await page.evaluate(() => (window as unknown as { bench: PageRecord & { calls: Calls } }).bench);
    const heapEnd = await heap(cdp);

    const tasks = rec.longtasks;
    const writes = rec.calls.idb?.filter((t) => t.mode == 'readwrite' && t.puts > 0).map((t) => t.puts);
    return {
      sdk,
      evalMs,
      initMs: (m1.TaskDuration - m0.TaskDuration) * 1000,
      pageViewAfterMs: d.firstPageViewAt ? d.firstPageViewAt - insertedAt : NaN,
      callsMs: calls.t1 - calls.t0,
      sendMs: (m3.TaskDuration - m2.TaskDuration) * 1000,
      deliveredMs: d.lastEventAt && d.events.size ? d.lastEventAt - calls.wall0 : NaN,
      storedMs: sdk.startsWith('shoptrack') && rec.calls.settled ? rec.calls.settled - rec.calls.t0 : undefined,
      delivered: d.events.size,
      duplicates: d.duplicates,
      requests: d.requests,
      preflights: d.preflights,
      idbWrites: sdk.startsWith('shoptrack') ? writes : undefined,
      longtasks: tasks.length,
      longtasksCalls: tasks.filter((t) => t.start + 1 >= rec.calls.t0).length,
      longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
      heapInit,
      heapEnd,
      malformed: d.malformed,
      blocked: [...new Set(blocked.concat(blocker.take()))],
    };
  } finally {
    await context.close();
  }
}
