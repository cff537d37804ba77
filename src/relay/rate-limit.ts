// Per-client token buckets: `burst` requests at once, refilled at `perMinute`.

/** Buckets idle this long are full again and forgotten, so the map stays as small as the traffic. */
const IDLE_MS = 10 * 60 * 1000;

export function rateLimiter(perMinute: number, burst: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60000;
  let swept = now();
  return {
    /** 0 when the client may go on, else the milliseconds until it may. */
    take(client: string): number {
      const t = now();
      if (t - swept > IDLE_MS) {
        for (const [k, b] of buckets) if (t - b.at > IDLE_MS) buckets.delete(k);
        swept = t;
      }
      const b = buckets.get(client) || { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
      b.at = t;
      buckets.set(client, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / perMs);
    },
  };
}
