// The ESM entry for bundlers: build the tracker yourself, install no globals.
export { createTracker, VERSION } from './browser/tracker';
export type { Tracker, TrackerOptions } from './browser/tracker';
export type { Config, Consent } from './browser/config';
export type { Destination, Outcome, SendResult } from './browser/destination';
export type { Store, Entry } from './browser/store';
export type { Stats } from './browser/outbox';
export { ShoptrackError, validateEvent } from './events/validate';
export type { ShopEvent, TrackedEvent, CartItem, RecAnswer, RecProduct, RecBanner } from './events/types';
