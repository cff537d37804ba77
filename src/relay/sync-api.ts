// The Node API for shops that call shoptrack from their own code (docs/sync.md, "Node API"). With the
// relay in the same process, `createRelay(config).sync` queues and delivers. From another process
// (a cron job, the shop's backend), `openSync(config)` writes to the relay's store, which the running
// relay delivers from; each call resolves once its records are on disk.
import type { Entity, Records } from '../data/types';
import type { RelayConfig } from './config';
import { configuredVendors, openStore } from './handler';
import { createLog } from './log';
import { secretsOf } from './config';
import type { SyncStatus } from './store';
import { type SyncAnswer, type SyncInput, submitChanges } from './sync';

export interface SyncClient {
  /** Creates or replaces records; one answer each: accepted, or invalid with field and rule. */
  upsert<E extends Entity>(entity: E, records: Records[E] | Records[E][]): Promise<SyncAnswer[]>;
  /** Deletes records by their id fields ({product_id}, {product_id, variant_id} for a variant, ...). */
  delete(entity: Entity, ids: object | object[]): Promise<SyncAnswer[]>;
  /** Cancels orders by id: the order synced last, with status cancelled. */
  cancelOrders(orderIds: string | string[]): Promise<SyncAnswer[]>;
  /** Any mix of changes, in order. */
  submit(changes: SyncInput[]): Promise<SyncAnswer[]>;
  /** Waiting, sent and failed by vendor and kind, and the latest errors. */
  status(): Promise<SyncStatus>;
  close(): Promise<void>;
}

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

export function openSync(config: RelayConfig): SyncClient {
  const log = createLog(secretsOf(config));
  const store = openStore(config, log, { recover: false });
  const { senders } = configuredVendors(config, store, log, Date.now);
  const submit = (changes: SyncInput[]) => submitChanges(store.sync, senders, changes, Date.now());
  return {
    upsert: (entity, records) => submit(list(records).map((record) => ({ entity, op: 'upsert', record }))),
    delete: (entity, ids) => submit(list(ids).map((record) => ({ entity, op: 'delete', record }))),
    cancelOrders: (ids) => submit(list(ids).map((order_id) => ({ entity: 'order', op: 'cancel', record: { order_id } }))),
    submit,
    status: () => store.sync.status(),
    close: () => store.close(),
  };
}
