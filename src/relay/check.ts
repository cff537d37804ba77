// What the relay takes from a browser: a TrackedEvent (events/types.ts) whose `e` passes the same
// validateEvent the browser ran. Pure; returns the event or throws a ShoptrackError naming the field.
import { REC_SOURCES } from '../events/policy';
import type { Dict, TrackedEvent } from '../events/types';
import { ShoptrackError, validateEvent } from '../events/validate';

/** Event ids are 32 hex digits (newId, browser/identity.ts; 21-character nanoids before); anything else is not ours. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_ID = 256;
const MAX_URL = 4096;

const isObj = (v: unknown): v is Dict => typeof v == 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, field: string, max: number, optional = false): string | undefined => {
  if (optional && v == null) return;
  if (typeof v != 'string' || !v) throw new ShoptrackError(field, 'must be a non-empty string');
  if (v.length > max) throw new ShoptrackError(field, 'must be at most ' + max + ' characters');
  return v;
};
/**
 * A page URL or referrer: context, not the event. A faceted search's URL can run to megabytes and is
 * still a valid event, so a long one is cut to MAX_URL characters rather than refused.
 */
const url = (v: unknown, field: string, optional = false): string | undefined =>
  optional && v == null ? undefined : str(typeof v == 'string' ? v.slice(0, MAX_URL) : v, field, MAX_URL);

export function checkTracked(input: unknown): TrackedEvent {
  if (!isObj(input)) throw new ShoptrackError('event', 'must be an object');
  if (typeof input.id != 'string' || !ID.test(input.id)) throw new ShoptrackError('id', 'must be 1 to 64 characters of [A-Za-z0-9_-]');
  const ts = input.ts;
  if (typeof ts != 'number' || !Number.isFinite(ts) || ts <= 0) throw new ShoptrackError('ts', 'must be milliseconds since the epoch');
  const t: TrackedEvent = {
    id: input.id,
    ts,
    aid: str(input.aid, 'aid', MAX_ID)!,
    sid: str(input.sid, 'sid', MAX_ID)!,
    uid: input.uid == null ? null : str(input.uid, 'uid', MAX_ID)!,
    url: url(input.url, 'url')!,
    e: validateEvent(input.e),
  };
  const ref = url(input.ref, 'ref', true);
  if (ref) t.ref = ref;
  const page = str(input.page, 'page', MAX_ID, true);
  if (page) t.page = page;
  if (input.profile != null) {
    if (!isObj(input.profile)) throw new ShoptrackError('profile', 'must be an object');
    t.profile = input.profile;
  }
  const e = t.e;
  if (e.source != null && !REC_SOURCES.includes(e.source)) throw new ShoptrackError('event.source', 'must be one of ' + REC_SOURCES.join(', '));
  if (e.tracking_string != null) str(e.tracking_string, 'event.tracking_string', MAX_URL);
  if (e.type == 'impression' && e.source == 'quarticon' && e.tracking_string == null)
    throw new ShoptrackError('event.tracking_string', 'is required on impressions of Quarticon recommendations');
  return t;
}
