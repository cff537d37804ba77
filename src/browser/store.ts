// Where the outbox keeps its entries: IndexedDB through idb-keyval; where IndexedDB is missing, refuses
// to open (private modes), hangs (Safari 14, idb-keyval issue 120) or stays broken, localStorage; where
// that refuses too (or is full), memory.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { stringify } from '../events/json';
import type { TrackedEvent } from '../events/types';
import { attempt } from './attempt';

/** One event on its way to one destination. */
export interface Entry {
  /** `${dest}:${event id}`: the store's key. */
  k: string;
  /** The destination's name. */
  d: string;
  t: TrackedEvent;
  /** Failed attempts so far. */
  n: number;
  /** Not to be sent before this time (ms). */
  at: number;
  /** Deferred: held while the page with this id is open (`track(e, true)`). */
  hold?: string;
  /** Refused inside a batch once: sent alone from now on, so one bad event holds back no other. */
  solo?: boolean;
}

export interface Store {
  all(): Promise<Entry[]>;
  put(entries: Entry[]): Promise<void>;
  del(keys: string[]): Promise<void>;
}

export const DB_NAME = 'shoptrack';
/** How long an IndexedDB call may take before the store is taken for broken. */
export const IDB_TIMEOUT_MS = 3000;

/** The prefix of the outbox's localStorage keys where IndexedDB failed: shared by the tabs, as IndexedDB is. */
export const LS_PREFIX = 'stk_o:';

/**
 * Keys being deleted from IndexedDB, one note per delete (named after its first key) under this prefix:
 * noted first (localStorage is synchronous), so that a delete a page going away cuts short is finished
 * by the next page instead of its entries being sent again. A note of its own per delete: no tab reads
 * and rewrites a list another tab is writing, and no delete costs more as others wait.
 */
export const DELETING_PREFIX = 'stk_del:';

/**
 * Outbox entries not yet written when the page went to a next page of the shop: kept in localStorage
 * (synchronous, so it holds at pagehide) for that page, which puts them into the outbox as they were.
 */
export const LEFT_KEY = 'stk_left';

/** Events deferred to the next page (`track(e, true)`): localStorage is written at once, before a navigation can cut it short. */
export const HELD_KEY = 'stk_held';

// Captured when the script loads, before a page's later patches can reach it.
export const parse = JSON.parse;
/** A JSON list kept in localStorage ([] when absent, refused or garbled). */
export const list = (key: string): unknown[] => attempt(() => parse(localStorage.getItem(key) || '[]')) || [];
/** Writes a value as JSON; false when storage refused it (private modes, full). */
export const save = (key: string, value: unknown): boolean =>
  !!attempt(() => {
    localStorage.setItem(key, stringify(value));
    return true;
  });

/**
 * Entries in memory; with `prefix`, in localStorage instead, one key an entry (prefix + entry key), so
 * that every tab and the next page see them and no tab's write can undo another's. An entry storage
 * refuses (refused, full) stays in memory.
 */
export function memoryStore(prefix?: string): Store {
  const memory = new Map<string, Entry>();
  return {
    all: async () => [
      ...memory.values(),
      ...((prefix && attempt(() => Object.keys(localStorage).filter((k) => k.startsWith(prefix)).map((k) => parse(localStorage[k])))) || []),
    ],
    async put(entries) {
      for (const e of entries) {
        if (prefix && save(prefix + e.k, e)) memory.delete(e.k);
        else memory.set(e.k, e);
      }
    },
    async del(keys) {
      for (const k of keys) {
        memory.delete(k);
        if (prefix) attempt(() => localStorage.removeItem(prefix + k));
      }
    },
  };
}

/**
 * The outbox in IndexedDB. A call that fails or hangs (Safari 14's first open, idb-keyval issue 120)
 * drops the cached connection and opens the database again ("Connection to Indexed Database server
 * lost" leaves it dead); when that fails too, or IndexedDB is missing or refused (private modes), the
 * store moves to localStorage (memory where that refuses) for good and says so through `onFallback`.
 * Entries IndexedDB still holds are sent by the next page that can open it.
 */
export function idbStore(onFallback: (err: unknown) => void): Store {
  let db: UseStore | undefined;
  let mem: Store | undefined;
  const run = async <T>(op: (s: UseStore) => Promise<T>, fallback: (m: Store) => Promise<T>): Promise<T> => {
    for (let tries = 0; !mem; tries++)
      try {
        db ||= createStore(DB_NAME, 'outbox');
        return await new Promise<T>((resolve, reject) => {
          setTimeout(reject, IDB_TIMEOUT_MS, 'IndexedDB hung');
          op(db!).then(resolve, reject);
        });
      } catch (err) {
        db = undefined;
        if (tries) {
          onFallback(err);
          mem = memoryStore(LS_PREFIX);
        }
      }
    return fallback(mem);
  };
  // idb-keyval's store, used directly: one transaction per call, every browser here has getAll.
  const write = (fn: (os: IDBObjectStore) => void) => (s: UseStore) =>
    s('readwrite', (os) => {
      fn(os);
      return promisifyRequest(os.transaction);
    });
  const del = async (keys: string[]) => {
    if (!keys.length) return;
    const note = DELETING_PREFIX + keys[0];
    save(note, keys);
    await run(
      write((os) => {
        for (const k of keys) os.delete(k);
      }),
      (m) => m.del(keys),
    );
    attempt(() => localStorage.removeItem(note));
  };
  return {
    all: () => run((s) => s('readonly', (os) => promisifyRequest(os.getAll() as IDBRequest<Entry[]>)), (m) => m.all()),
    put: (entries) =>
      run(
        write((os) => {
          for (const e of entries) os.put(e, e.k);
        }),
        (m) => m.put(entries),
      ),
    del,
  };
}
