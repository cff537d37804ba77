// Sends each vendor's jobs from the store: retries with backoff, a vendor's shop-wide request budget
// (least interval, pause after a 429), and a clean stop that lets requests in flight finish and be recorded.
import { backoff } from '../events/policy';
import type { VendorBudget } from './budget';
import type { TrackedEvent } from '../events/types';
import type { Log } from './log';
import { persistently } from './lease';
import { sendLoop } from './loop';
import type { Job, Planner, RelayStore } from './store';

/** One vendor behind the relay: plans payloads for events, and sends a request's worth of them. */
export interface Forwarder extends Planner {
  /** Jobs one request carries at most. */
  readonly max: number;
  /** Requests at once. */
  readonly parallel: number;
  /**
   * The vendor's budget for the whole shop (least interval, pause after a 429), when it has one; `send`
   * makes its requests through it. The loop waits for it before taking jobs.
   */
  readonly budget?: VendorBudget;
  /**
   * Why the vendor gets nothing for an event the relay accepted (an id it would refuse, say): "field:
   * rule". The relay logs it; `plan` makes no job for such an event.
   */
  refusal?(t: TrackedEvent): string | undefined;
  /** Sends the payloads of one request; never rejects. */
  send(payloads: unknown[]): Promise<SendResult>;
}

/** Delivered; worth another try (after at least `after` ms); or refused for good. */
export type SendResult = { ok: true } | { retry: string; after?: number } | { error: string };

/** A job still failing this long after it was accepted is given up (and kept, failed, in the store). */
export const GIVE_UP_MS = 3 * 24 * 3600 * 1000;
/**
 * A vendor's 2xx makes its failed jobs due again (RelayStore.rearm), but only for a job's first this many
 * tries: one still failing by then while the vendor takes other requests is likely refused for itself
 * (a payload the vendor chokes on), and keeps its own backoff rather than going out after every 2xx.
 */
export const REARM_MAX_TRIES = 15;
/** A store shared by several relays is polled this often for work another relay left (it died, or its retry came due). */
export const SHARED_POLL_MS = 2000;
/** After the store failed (a database restarting), the next try. */
export const STORE_ERROR_RETRY_MS = 1000;

/**
 * When a vendor's 2xx re-arms its failed payloads (jobs here, records in sync.ts). Only after this relay
 * saw a failure since its last re-arm, or since it started (an earlier run's payloads may wait): in the
 * steady state a 2xx costs no write. Not while the vendor's pause runs (a Retry-After, kept in the store
 * for every relay): this relay skips the write until the pause it knows of ends, and a re-arm the store
 * refused for a pause (another relay's) stays owed until the next 2xx after it.
 */
export function rearming(store: Pick<RelayStore, 'turnState'>, rearm: (now: number) => Promise<number>, vendor: string, now: () => number) {
  let backingOff = true;
  let heldUntil = 0;
  const hold = (ms: number) => {
    heldUntil = Math.max(heldUntil, now() + ms);
  };
  return {
    /** A payload failed, to be tried again (after at least `afterMs`, when the vendor said so). */
    failed(afterMs?: number) {
      backingOff = true;
      if (afterMs) hold(afterMs);
    },
    /** The vendor took a request (or a record). Rejects when the store does; the re-arm is then still owed. */
    async took() {
      if (!backingOff || now() < heldUntil) return;
      // Cleared first, so that a failure recorded meanwhile sets it again; set again if the store says no.
      backingOff = false;
      try {
        if ((await rearm(now())) > 0) return;
        // None made due: none waits, or the vendor's pause runs (another relay got the Retry-After).
        const { pausedMs } = await store.turnState(vendor, 0);
        if (pausedMs > 0) {
          backingOff = true;
          hold(pausedMs);
        }
      } catch (err) {
        backingOff = true;
        throw err;
      }
    },
  };
}

export interface Forwarding {
  /** New jobs were written: send them. */
  wake(): void;
  /** Stops sending; resolves when the requests in flight have finished and been recorded. */
  stop(): Promise<void>;
}

export function forward(
  store: RelayStore,
  forwarders: Forwarder[],
  log: Log,
  opts: { now?: () => number; random?: () => number } = {},
): Forwarding {
  const now = opts.now || Date.now;
  const random = opts.random || Math.random;
  let stopped = false;

  const loops = forwarders.map((f) => {

    const rearm = rearming(store, (t) => store.rearm(f.name, t, REARM_MAX_TRIES), f.name, now);
    // The vendor has answered: what it took is recorded even through a database restart (persistently).
    const settle = (jobs: Job[], r: SendResult) => persistently(() => record(jobs, r));
    const record = async (jobs: Job[], r: SendResult) => {
      const seqs = jobs.map((j) => j.seq);
      if ('ok' in r) {
        await store.done(seqs);
        // It takes requests again: what failed before is due now, not after a backoff of up to minutes
        // (a vendor failing 40 % of requests would leave the last jobs waiting for minutes otherwise).
        return rearm.took();
      }
      if ('error' in r) {
        log('error', f.name + ' refused ' + seqs.length + ' job(s) for good', { error: r.error });
        return store.fail(seqs, r.error);
      }
      const t = now();
      // The vendor said how long to wait: no 2xx, on any relay, re-arms its jobs before then. Paused
      // before the jobs wait again, so that no relay's rearm finds them waiting and the pause not yet set.
      if (r.after) await store.pauseTurn(f.name, r.after);
      rearm.failed(r.after);
      const expired = jobs.filter((j) => t - j.created > GIVE_UP_MS);
      if (expired.length) await store.fail(expired.map((j) => j.seq), 'gave up after ' + GIVE_UP_MS / 3600000 + ' h: ' + r.retry);
      // Each job waits for its own tries: a new job sent with one that failed often does not take its wait.
      const byTries = new Map<number, number[]>();
      for (const j of jobs) if (!expired.includes(j)) byTries.set(j.tries, [...(byTries.get(j.tries) || []), j.seq]);
      const retries = [...byTries].map(([tries, group]) => ({ group, at: t + Math.max(backoff(tries, random()), r.after || 0) }));
      if (!retries.length) return;
      // Logged before the writes: test/pg/faults.ts counts the jobs sent again after a timeout from this
      // line, and a write failing for good (the database down past RECORD_PATIENCE_MS) must not hide it.
      log('warn', f.name + ' will retry ' + (jobs.length - expired.length) + ' job(s)', { reason: r.retry, in_ms: Math.round(Math.min(...retries.map((x) => x.at)) - t) });
      for (const { group, at } of retries) await store.retry(group, at);
    };

    const once = async (): Promise<boolean> => {
      if (f.budget) {
        const ready = await f.budget.readyAt();
        if (ready > now()) {
          loop.schedule(ready);
          return false;
        }
      }
      const jobs = await store.take(f.name, now(), f.max * f.parallel);
      if (!jobs.length) {
        const next = await store.nextDue(f.name);
        if (next !== undefined) loop.schedule(next);
        return false;
      }
      const groups: Job[][] = [];
      for (let i = 0; i < jobs.length; i += f.max) groups.push(jobs.slice(i, i + f.max));
      await Promise.all(
        groups.map(async (g) => {
          let r: SendResult;
          try {
            r = await f.send(g.map((j) => j.payload));
          } catch (err) {
            r = { retry: String(err) };
          }
          await settle(g, r);
        }),
      );
      return true;
    };

    const loop = sendLoop({
      once,
      stopped: () => stopped,
      now,
      errorRetryMs: STORE_ERROR_RETRY_MS,
      onError: (err) => log('error', f.name + ' forwarding failed', { error: String(err) }),
    });
    return loop;
  });

  const wakeAll = () => loops.forEach((l) => l.wake());
  const poller = store.shared ? setInterval(wakeAll, SHARED_POLL_MS) : undefined;
  poller?.unref();
  return {
    wake: wakeAll,
    stop: async () => {
      stopped = true;
      clearInterval(poller);
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
