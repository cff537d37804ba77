// Leases of relays that share a store: how long a relay holds what it took, and the rule of a vendor's
// turn to send (store.ts beginTurn), the same in the SQLite and the PostgreSQL store.

/** The state of a vendor's turn, in the store. */
export interface TurnRow {
  holder: string | null;
  heldUntil: number | null;
  lastEnd: number;
  notBefore: number;
}

/**
 * How long a relay holds what it took (jobs being sent, a vendor's turn) before another relay may take it
 * over: longer than any request (VENDOR_TIMEOUT_MS, 10 s) and the bookkeeping after it.
 */
export const LEASE_MS = 60 * 1000;

/**
 * The turn rule shared by both stores: 0 when the turn may be taken at `now`, else the ms to wait.
 * A holder that died mid-request may have sent until its lease ended, so the next turn counts from there.
 */
export function turnWait(t: TurnRow | undefined, now: number, intervalMs: number): number {
  if (!t) return 0;
  // Held: ask again within an interval (at least a ms, for a turn without one).
  if (t.holder && t.heldUntil !== null && t.heldUntil > now) return Math.max(1, Math.min(intervalMs, t.heldUntil - now));
  const from = t.holder && t.heldUntil !== null ? Math.max(t.lastEnd, t.heldUntil) : t.lastEnd;
  return Math.max(0, from + intervalMs - now, t.notBefore - now);
}

/**
 * How long a relay keeps trying to record what a vendor already took (a database restarting): given up
 * sooner, the jobs would be sent again once their lease ran out.
 */
export const RECORD_PATIENCE_MS = 30 * 1000;
const RECORD_RETRY_MS = 250;

/** Runs a store write again until it succeeds or `patienceMs` have passed (then its last error is thrown). */
export async function persistently<T>(write: () => Promise<T>, patienceMs = RECORD_PATIENCE_MS): Promise<T> {
  const end = Date.now() + patienceMs;
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (Date.now() + RECORD_RETRY_MS > end) throw err;
      await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS));
    }
  }
}
