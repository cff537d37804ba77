// DataCue browser events (seeds/001_32de60bf4a85c92b.txt, "Sending other events"; notes/vendors.md).
// Pure: a canonical event in, the body DataCue's events endpoint takes out.
import type { Dict, ShopEvent, TrackedEvent } from '../events/types';

/** Production, or staging with `options._staging` (notes/vendors.md). */
export const datacueEventsUrl = (staging?: boolean): string => 'https://' + (staging ? 'staging-' : '') + 'events.datacue.co/';

export interface DataCueUser {
  user_id?: string;
  anonymous_id: string;
  profile?: Dict;
}
export interface DataCueBody {
  user: DataCueUser;
  event: ShopEvent;
  /** "An ISO-8601 date string in UTC", written as the seed writes it: "2017-11-01 00:29:03.123Z". */
  timestamp: string;
}


/**
 * DataCue's body for an event, or null for an event DataCue does not take (impressions). The fields
 * shoptrack adds for the other vendors (source, tracking_string) are left out.
 */
export function toDataCue(t: TrackedEvent): DataCueBody | null {
  if (t.e.type == 'impression') return null;
  const event: ShopEvent = { ...t.e };
  delete event.source;
  delete event.tracking_string;
  const user: DataCueUser = { anonymous_id: t.aid };
  if (t.uid) user.user_id = t.uid;
  if (t.profile) user.profile = t.profile;
  return { user, event, timestamp: new Date(t.ts).toISOString().replace('T', ' ') };
}

/**
 * `product_update` on product pages: the fields seed 001 lists ("The following fields are supported at
 * this time"), and the ids that say which product and variant each item describes. The plugins print
 * more (description, link, category_ids); DataCue does not take those here.
 */
export const PRODUCT_UPDATE_FIELDS = 'product_id variant_id name price full_price photo_url available stock main_category categories brand'.split(' ');

/** The `product_update` items sent with a product page view: each with the seed's fields only. */
export function productUpdate(items: Dict[]): Dict[] {
  return items.map((item) => {
    const out: Dict = {};
    for (const k of PRODUCT_UPDATE_FIELDS) if (item[k] != null) out[k] = item[k];
    return out;
  });
}

/** Page views of home and product, and searches, answer with recommendations (seeds/001). */
export const answersWithRecs = (e: ShopEvent): boolean =>
  e.type == 'search' || (e.type == 'pageview' && (e.subtype == 'home' || e.subtype == 'product'));
