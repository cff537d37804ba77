// The canonical event model: what the shop tracks, what the outbox stores and what the relay receives.
// Event shapes follow DataCue's browser events (seeds/001_32de60bf4a85c92b.txt); the few that DataCue's
// document does not define (order completed, impressions) are named here and mapped per vendor.
import type { RecSource } from './policy';

export type { RecSource };

export type Dict = { [key: string]: unknown };

/** A cart line as DataCue's cart update and checkout events carry it. */
export interface CartItem {
  product_id: string;
  variant_id?: string;
  quantity: number;
  unit_price?: number;
  currency?: string;
  [key: string]: unknown;
}

export type PageSubtype = 'home' | 'product' | 'category' | 'search' | 'cart' | '404' | 'checkout';
export type ClickSubtype = 'banner' | 'product' | 'related' | 'similar' | 'recent';

/** An event as the shop passes it to `track()`; validated by events/validate.ts. */
export interface ShopEvent {
  type: string;
  subtype?: string;
  product_id?: string;
  variant_id?: string;
  category_id?: string;
  category_name?: string;
  term?: string;
  banner_id?: string;
  cart?: CartItem[];
  cart_link?: string;
  order_id?: string;
  order_status?: string;
  /** Set by widgets on clicks and impressions of recommended items. */
  source?: RecSource;
  /** Quarticon's trackingString of a recommended item (seeds/002: eventClick). */
  tracking_string?: string;
  [key: string]: unknown;
}

/** The page type as DataCue's plugins print it, including the two not in the public list. */
export type PageType = PageSubtype | 'order confirmation';

/**
 * What the outbox stores and the relay receives: the event plus who did it, where and when.
 * Short keys: this object is serialised on every send and kept in IndexedDB.
 */
export interface TrackedEvent {
  /** 32 random hex digits (newId), unique per event; the relay deduplicates by it. */
  id: string;
  /** Milliseconds since the epoch, when track() was called. */
  ts: number;
  /** Anonymous (cookie) id, a UUID v4. */
  aid: string;
  /** Session id: rotated after 30 minutes without activity. */
  sid: string;
  /** Logged-in user id, or null for guests. */
  uid: string | null;
  /** The profile given to identify(), sent as DataCue's user.profile. */
  profile?: Dict;
  /** The page's URL and referrer when tracked. */
  url: string;
  ref?: string;
  /** The page type of the page the event happened on. */
  page?: string;
  e: ShopEvent;
}

/** DataCue's recommendation answer to home/product page views and searches (seeds/001). */
export interface RecProduct {
  product_id: string;
  variant_id?: string;
  name?: string;
  price?: number | string;
  full_price?: number | string;
  photo_url?: string;
  link?: string;
  brand?: string;
  extra?: Dict;
  [key: string]: unknown;
}
export interface RecBanner {
  banner_id: string;
  photo_url: string;
  link: string;
  name?: string;
  title?: string;
}
export interface RecAnswer {
  main_banners?: RecBanner[] | null;
  sub_banners?: RecBanner[] | null;
  related_product_skus?: RecProduct[] | null;
  similar_product_skus?: RecProduct[] | null;
  recent_product_skus?: RecProduct[] | null;
  [key: string]: unknown;
}
