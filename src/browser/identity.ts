// The shopper's ids: a long-lived anonymous id, a session id shared by all tabs, the logged-in user id.
import type { Dict } from '../events/types';
import { attempt } from './attempt';

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis); asking for more is cut to that anyway. */
export const ANON_DAYS = 400;
/** DataCue counts a session as activities each at most 30 minutes after the previous (notes/vendors.md). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

/** How often the session's last activity is written to storage at most. */
export const SESSION_WRITE_MS = 5000;

export const AID_KEY = 'stk_aid';
export const SID_KEY = 'stk_sid';

export interface Identity {
  /** Anonymous id (newId()). */
  aid: string;
  uid: string | null;
  profile?: Dict;
  /** The session id at `now`, rotated after 30 idle minutes; every tab reads and renews the same one. */
  session(now: number): string;
  /** False while consent is pending: nothing is written to cookies or storage. */
  persist(on: boolean): void;
  /** Forgets every id (consent denied): new ids from here on, nothing left in cookies or storage. */
  forget(): void;
}

/**
 * A new id: 128 random bits as 32 hex digits, which Quarticon allows in a cookie id ([a-zA-Z0-9_-]);
 * DataCue takes any string (its example is a UUID). Not crypto.randomUUID: plain-http shops lack it.
 */
export const newId = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => (byte + 256).toString(16).slice(1)).join('');

const VALID_ID = /^[\w-]{8,64}$/;


/** `cookieDomain`: the shop's top domain (".shop.example") so that subdomains share the anonymous id. */
export function createIdentity(persist: boolean, cookieDomain?: string): Identity {
  const cookie = (name: string, value?: string, maxAgeS?: number) =>
    attempt(() =>
      value == null
        ? document.cookie.match('(?:^|; )' + name + '=([^;]*)')?.[1]
        : (document.cookie =
            name + '=' + value + ';path=/;max-age=' + maxAgeS + ';samesite=lax' +
            (cookieDomain ? ';domain=' + cookieDomain : '') + (location.protocol == 'https:' ? ';secure' : '')),
    );
  const ls = (key: string, value?: string | null) =>
    attempt(() => (value === undefined ? localStorage.getItem(key) : value == null ? localStorage.removeItem(key) : localStorage.setItem(key, value)));
  const valid = (v: unknown) => (typeof v == 'string' && VALID_ID.test(v) ? v : undefined);

  let sid: string | undefined;
  let last = 0;
  let saved = 0;
  const touch = (now: number, id: string) => {
    // Storage is written at most every few seconds per session, not on every event (1,000 events in a
    // tick cost 56 ms of localStorage writes otherwise); other tabs see activity at most that late.
    if (persist && (id != sid || now - saved >= SESSION_WRITE_MS)) {
      saved = now;
      ls(SID_KEY, id + '.' + now);
      cookie(SID_KEY, id, SESSION_IDLE_MS / 1000);
    }
    sid = id;
    last = now;
  };
  const save = () => {
    if (!persist) return;
    cookie(AID_KEY, me.aid, ANON_DAYS * 86400);
    ls(AID_KEY, me.aid);
    saved = -SESSION_WRITE_MS;
    if (sid) touch(last, sid);
  };

  const me: Identity = {
    // Safari caps script-set cookies at 7 days, so the id is mirrored in localStorage and restored from
    // whichever of the two survived.
    aid: valid(cookie(AID_KEY)) || valid(ls(AID_KEY)) || newId(),
    uid: null,
    session(now) {
      // Shared state lives in localStorage as "id.lastActivity" (ids have no dot); the in-memory copy
      // serves when storage is refused or not yet allowed. Storage is read only when this tab's copy is
      // older than the write interval: a fresher copy is what every tab has been shown.
      let id = sid;
      let at = last;
      if (!sid || now - last > SESSION_WRITE_MS) {
        const [stored, t] = ((persist && ls(SID_KEY)) || '').split('.');
        if (+t >= at) (id = stored), (at = +t);
      }
      touch(now, id && now - at <= SESSION_IDLE_MS ? id : newId());
      return sid!;
    },
    persist(on) {
      persist = on;
      save();
    },
    forget() {
      for (const k of [AID_KEY, SID_KEY]) {
        cookie(k, '', -1);
        ls(k, null);
      }
      me.aid = newId();
      sid = undefined;
      me.uid = null;
      me.profile = undefined;
    },
  };
  save();
  return me;
}
