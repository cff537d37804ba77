// The ESM entry for bundlers: build the tracker yourself, install no globals.
import { type Tracker, type TrackerOptions, createTracker as create } from './browser/tracker';
import { startSending } from './browser/sending';

export { VERSION } from './browser/version';
export type { Tracker, TrackerOptions };

/** A tracker from a config (datacueConfig's or shoptrackConfig's fields), with its outbox whole. */
export const createTracker = (config: unknown, opts?: TrackerOptions): Tracker => create(config, { sending: startSending, ...opts });
export type { Config, Consent } from './browser/config';
export type { Destination, Outcome, SendResult } from './browser/destination';
export type { Store, Entry } from './browser/store';
export type { Stats } from './browser/outbox';
export { ShoptrackError, validateEvent } from './events/validate';
export type { ShopEvent, TrackedEvent, CartItem, RecAnswer, RecProduct, RecBanner } from './events/types';
