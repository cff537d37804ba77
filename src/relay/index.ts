// The relay's public surface: mount `createRelay(config).handle` in an http server or Express app, or
// run `startRelay(config)` on its own port.
export { createRelay, MAX_EVENTS, type Relay, type RelayOptions, type RelayResult } from './handler';
export { startRelay, type RunningRelay } from './server';
export { readRelayConfig, loadRelayConfig, DEFAULTS, envName, type RelayConfig } from './config';
export { sqliteStore, type RelayStore, type Planner, type Job } from './store';
export { pgStore, PG_SCHEMA_VERSION, type PgStoreOptions } from './store-pg';
export type { Forwarder, SendResult } from './forward';
// The shop's data (docs/sync.md): `relay.sync` in the relay's process, `openSync(config)` beside it.
export { openSync, type SyncClient } from './sync-api';
export type { SyncAnswer, SyncInput, SyncEngine, DataSender, RecordResult } from './sync';
export type { VendorModule, VendorParts, VendorField } from './vendor';
export { validateRecord, validateKey } from '../data/validate';
export type * from '../data/types';
export { ENTITIES, ORDER_STATUSES } from '../data/types';
