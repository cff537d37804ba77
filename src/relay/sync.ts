// The sync engine: the shop's records (data/types.ts) into the store's sync queue, and from it to each
// vendor's data sender in batches within the vendor's limits, with retries, backoff and Retry-After.
// Every record's outcome is stored; a relay killed at any moment resends at most the batch in flight
// (its claim is released when the relay starts again).
import { createHash } from 'node:crypto';
import { ENTITIES, type Entity, type Order, recordKey } from '../data/types';
import { isEntity, validateKey, validateRecord } from '../data/validate';
import { ShoptrackError } from '../events/validate';
import { backoff } from '../events/policy';
import { GIVE_UP_MS, REARM_MAX_TRIES, STORE_ERROR_RETRY_MS, rearming } from './forward';
import { persistently } from './lease';
import { sendLoop } from './loop';
import type { Log } from './log';
import type { RelayStore, SyncChange, SyncEntry, SyncOutcome, SyncQueue, SyncStatus } from './store';

/** What a vendor made of one record: delivered, worth another try (after at least `after` ms), or refused. */
export type RecordResult = { ok: true } | { retry: string; after?: number } | { error: string };

/** A vendor's data half: which records it takes and how it sends them. */
export interface DataSender {
  /** The entities this vendor takes; the others are never queued for it. */
  readonly entities: readonly Entity[];
  /** Entries one claim takes at most: the vendor's batch limit. */
  readonly batch: number;
  /** Least time from the end of one send to the start of the next (a vendor's rate limit). */
  readonly interval?: number;
  /** Sends a claim's entries; one result each, in order. Never rejects. */
  send(entries: SyncEntry[]): Promise<RecordResult[]>;
}

/** What the admin API, the import and the Node API hand in: one change to one record. */
export interface SyncInput {
  entity: string;
  /** An order cancel is an upsert of the order with status cancelled. */
  op: 'upsert' | 'delete' | 'cancel';
  record: unknown;
}

/** The answer for each record: queued durably, or refused with the field and the rule. */
export type SyncAnswer = { status: 'accepted'; entity: Entity; id: string } | { status: 'invalid'; entity?: string; id?: string; field: string; rule: string };

/** How long a claim holds its entries: past the longest send (a timeout of every request in a batch). */
export const SYNC_LEASE_MS = 5 * 60 * 1000;

export interface SyncEngine {
  /** Checks and queues the changes in one durable transaction; one answer each, in order. */
  submit(changes: SyncInput[]): Promise<SyncAnswer[]>;
  status(): Promise<SyncStatus>;
  /** Starts delivery (after start, a submit wakes it). */
  start(): void;
  /** Stops delivery; resolves when the sends in flight have been recorded. */
  stop(): Promise<void>;
}

const digest = (op: string, record: string): string => createHash('sha256').update(op + '\n' + record).digest('base64');

/** A record's id as answers name it: the id field, "product_id/variant_id" for a variant. */
const idOf = (entity: Entity, r: { [k: string]: unknown }): string => (entity == 'variant' ? r.product_id + '/' + r.variant_id : String(r[entity + '_id']));

/** Checks one change; returns the queue's change or the problem. Pure but for the cancel's lookup. */
type Prepared = { change?: SyncChange; answer: SyncAnswer };

async function prepare(queue: SyncQueue, input: SyncInput): Promise<Prepared> {
  const entity = input.entity;
  const raw = input.record && typeof input.record == 'object' ? (input.record as { [k: string]: unknown }) : undefined;
  try {
    if (!isEntity(entity)) throw new ShoptrackError('entity', 'must be one of ' + ENTITIES.join(', '));
    if (input.op == 'delete') {
      const ids = validateKey(entity, input.record);
      const record = JSON.stringify(ids);
      const key = recordKey(entity, ids as never);
      return { change: { entity, key, op: 'delete', record, digest: digest('delete', record) }, answer: { status: 'accepted', entity, id: idOf(entity, ids) } };
    }
    let value = input.record;
    if (input.op == 'cancel') {
      if (entity != 'order') throw new ShoptrackError('op', 'cancel applies to orders only');
      const { order_id } = validateKey('order', input.record);
      const known = await queue.latest('order', order_id);
      if (!known) throw new ShoptrackError('order.order_id', 'no order "' + order_id + '" was synced; send the whole order with status cancelled');
      value = { ...(JSON.parse(known) as Order), status: 'cancelled' };
    } else if (input.op != 'upsert') throw new ShoptrackError('op', 'must be upsert, delete or cancel');
    const r = validateRecord(entity, value);
    const record = JSON.stringify(r);
    return {
      change: { entity, key: recordKey(entity, r), op: 'upsert', record, digest: digest('upsert', record) },
      answer: { status: 'accepted', entity, id: idOf(entity, r as never) },
    };
  } catch (err) {
    if (!(err instanceof ShoptrackError)) throw err;
    const id = raw && isEntity(entity) ? raw[entity == 'variant' ? 'variant_id' : entity + '_id'] : undefined;
    return { answer: { status: 'invalid', entity, id: (typeof id == 'string' && id) || typeof id == 'number' ? String(id) : undefined, field: err.field, rule: err.rule } };
  }
}

/**
 * Queues changes for the vendors that take them; usable without delivery (the import CLI). `counts.queued`
 * grows by the vendor entries new or replaced (a change equal to what is queued or sent adds none).
 */
export async function submitChanges(
  queue: SyncQueue,
  vendors: { name: string; sender: DataSender }[],
  inputs: SyncInput[],
  now: number,
  counts: { queued: number } = { queued: 0 },
): Promise<SyncAnswer[]> {
  const prepared: Prepared[] = [];
  for (const input of inputs) prepared.push(await prepare(queue, input));
  const byEntity = new Map<string, SyncChange[]>();
  for (const p of prepared)
    if (p.change) {
      const list = byEntity.get(p.change.entity) || [];
      list.push(p.change);
      byEntity.set(p.change.entity, list);
    }
  for (const [entity, changes] of byEntity) {
    const takers = vendors.filter((v) => v.sender.entities.includes(entity as Entity)).map((v) => v.name);
    if (takers.length) counts.queued += await queue.put(takers, changes, now);
  }
  return prepared.map((p) => p.answer);
}

export function syncEngine(
  /** The sync queue, and the vendors' pauses (a Retry-After keeps a record taken from re-arming others until it ends). */
  store: Pick<RelayStore, 'sync' | 'pauseTurn' | 'turnState'>,
  vendors: { name: string; sender: DataSender }[],
  log: Log,
  opts: {
    now?: () => number;
    random?: () => number;
    leaseMs?: number;
    /** On a store shared by several relays: how often to look for entries other relays left (one died, a retry came due). */
    pollMs?: number;
  } = {},
): SyncEngine {
  const queue = store.sync;
  const now = opts.now || Date.now;
  const random = opts.random || Math.random;
  const leaseMs = opts.leaseMs ?? SYNC_LEASE_MS;
  let stopped = true;
  let poller: ReturnType<typeof setInterval> | undefined;

  const loops = vendors.map(({ name, sender }) => {
    let lastEnd = 0;
    const rearm = rearming(store, (t) => queue.rearm(name, t, REARM_MAX_TRIES), name, now);

    const outcome = (e: SyncEntry, r: RecordResult, t: number): SyncOutcome => {
      if ('ok' in r) return { entry: e, sent: true };
      if ('error' in r) return { entry: e, failed: r.error };
      if (t - e.queued > GIVE_UP_MS) return { entry: e, failed: 'gave up after ' + GIVE_UP_MS / 3600000 + ' h: ' + r.retry };
      return { entry: e, retryAt: t + Math.max(backoff(e.tries, random()), r.after || 0), error: r.retry };
    };

    const once = async (): Promise<boolean> => {
      const wait = lastEnd + (sender.interval || 0) - now();
      if (sender.interval && wait > 0) {
        loop.schedule(now() + wait);
        return false;
      }
      const entries = await queue.claim(name, now(), sender.batch, leaseMs);
      if (!entries.length) {
        const next = await queue.nextDue(name);
        if (next !== undefined) loop.schedule(next);
        return false;
      }
      let results: RecordResult[];
      try {
        results = await sender.send(entries);
      } catch (err) {
        results = entries.map(() => ({ retry: String(err) }));
      }
      lastEnd = now();
      const answered = entries.map((_, i) => results[i] || { retry: 'no result from the sender' });
      const outcomes = entries.map((e, i) => outcome(e, answered[i], lastEnd));
      // As forward.ts does for jobs: a Retry-After pauses the re-arming of this vendor's records on every
      // relay (a pause that cannot be stored fails the round, as a settle does), and a record the vendor
      // took makes those that failed before due now. Both while this claim's entries are still claimed,
      // out of every rearm's reach: its own failures (a 207's refused items, which DataCue gets
      // DATACUE_ITEM_TRIES tries at) wait for their backoff.
      const pauseMs = Math.max(0, ...answered.map((r) => ('after' in r && r.after) || 0));
      if (pauseMs) await persistently(() => store.pauseTurn(name, pauseMs));
      // Not needed to record the outcomes: a store error here is logged (the re-arm stays owed), and the settle goes ahead.
      if (outcomes.some((o) => 'sent' in o)) await rearm.took().catch((err) => log('warn', name + ': failed records not made due again', { error: String(err) }));
      if (outcomes.some((o) => 'retryAt' in o)) rearm.failed(pauseMs);
      // The vendor has answered: recorded even through a database restart, or the batch would go again.
      await persistently(() => queue.settle(outcomes, lastEnd));
      const failed = outcomes.flatMap((o) => ('failed' in o ? [o.failed] : []));
      const retried = outcomes.flatMap((o) => ('retryAt' in o ? [o.error] : []));
      if (failed.length) log('error', name + ' refused ' + failed.length + ' record(s) for good', { first: failed[0] });
      if (retried.length) log('warn', name + ' will retry ' + retried.length + ' record(s)', { first: retried[0] });
      return true;
    };

    const loop = sendLoop({
      once,
      stopped: () => stopped,
      now,
      errorRetryMs: STORE_ERROR_RETRY_MS,
      onError: (err) => log('error', name + ' sync failed', { error: String(err) }),
    });
    return loop;
  });

  return {
    async submit(inputs) {
      const answers = await submitChanges(queue, vendors, inputs, now());
      if (answers.some((a) => a.status == 'accepted')) loops.forEach((l) => l.wake());
      return answers;
    },
    status: () => queue.status(),
    start() {
      stopped = false;
      loops.forEach((l) => l.wake());
      if (opts.pollMs && !poller) {
        poller = setInterval(() => loops.forEach((l) => l.wake()), opts.pollMs);
        poller.unref();
      }
    },
    async stop() {
      stopped = true;
      clearInterval(poller);
      poller = undefined;
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
