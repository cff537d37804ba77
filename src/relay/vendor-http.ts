// Requests to a vendor: only to URLs built from the relay's config, never following a redirect (which
// could carry a key elsewhere), with a timeout, and never rejecting.

export interface VendorAnswer {
  /** HTTP status, or 0 when there was no answer (network error, timeout). */
  status: number;
  body: string;
  /** Retry-After in milliseconds, when the vendor sent one. */
  retryAfter?: number;
  /** Why there was no answer. */
  error?: string;
}

export const VENDOR_TIMEOUT_MS = 10000;

const retryAfter = (v: string | null): number | undefined => {
  if (!v) return;
  if (/^\d+$/.test(v)) return +v * 1000;
  const d = Date.parse(v);
  return d === d ? Math.max(0, d - Date.now()) : undefined;
};

export async function vendorRequest(
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  timeoutMs = VENDOR_TIMEOUT_MS,
): Promise<VendorAnswer> {
  try {
    const r = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    return { status: r.status, body: await r.text(), retryAfter: retryAfter(r.headers.get('retry-after')) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { status: 0, body: '', error: e.name + ': ' + (e.cause?.code || e.cause?.message || e.message) };
  }
}

/** Whether the same request may succeed later (no answer, 408, 429, 5xx). */
export const retryable = (status: number): boolean => status == 0 || status == 408 || status == 429 || status >= 500;
