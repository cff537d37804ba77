// What the script tag does: build the tracker from the page's config, install it as window.shoptrack
// and window.datacue, and replay the calls a stub snippet queued before the script loaded.
import { pageConfig } from './config';
import { attempt } from './attempt';
import { warn } from './console';
import { loadChunk } from './chunk';
import type { StartSending } from './tracker';
import { type Tracker, createTracker } from './tracker';

/** A call the stub snippet queued: method, arguments, and its promise's resolve and reject. */
type Queued = [keyof Tracker, ArrayLike<unknown>, ((v: unknown) => void)?, ((e: unknown) => void)?];

interface Host {
  shoptrack?: { q?: Queued[] };
  datacue?: { q?: Queued[] };
  shoptrackConfig?: unknown;
  datacueConfig?: unknown;
}

/** The chunk with the outbox's sending half (src/send.ts), beside this script. */
export const SENDING_FILE = 'shoptrack-send.js';

const queue = (stub?: { q?: unknown }): Queued[] => (Array.isArray(stub?.q) ? stub.q : []);

export function install(w: Host, extend?: (t: Tracker, me: HTMLScriptElement | null) => void): Tracker | undefined {
  try {
    // A page may have printed its own stub under either name (or both, as one object).
    const queued = new Set([...queue(w.shoptrack), ...queue(w.datacue)]);
    // This script: its chunks come from beside it. Only while it runs does the document name it.
    const me = document.currentScript as HTMLScriptElement | null;
    // The outbox's sending half comes as a chunk, asked for now, while the page goes on.
    const sending = loadChunk<StartSending>(SENDING_FILE, me);
    const t = createTracker(pageConfig(w), { auto: true, sending });
    w.shoptrack = t as never;
    // A page's own window.datacue may be read-only; window.shoptrack still works.
    attempt(() => (w.datacue = t as never));
    extend?.(t, me);
    for (const [m, args, resolve, reject] of queued)
      attempt(() => Promise.resolve((t[m] as (...a: unknown[]) => unknown)(...Array.from(args))).then(resolve, reject));
    return t;
  } catch (err) {
    warn('not started: ' + err);
  }
}
