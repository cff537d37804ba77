// Requests to a vendor: only to URLs built from the relay's config, never following a redirect (which
// could carry a key elsewhere), with a timeout, and never rejecting.
import { retryAfterMs } from '../events/policy';

export interface VendorAnswer {
  /** HTTP status, or 0 when there was no answer (network error, timeout). */
  status: number;
  body: string;
  /** Retry-After in milliseconds (0 when the vendor sent none). */
  retryAfter?: number;
  /** Why there was no answer. */
  error?: string;
}

export const VENDOR_TIMEOUT_MS = 10000;

export async function vendorRequest(
  url: string,
  init: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; headers: Record<string, string>; body?: string },
  timeoutMs = VENDOR_TIMEOUT_MS,
): Promise<VendorAnswer> {
  try {
    const r = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    return { status: r.status, body: await r.text(), retryAfter: retryAfterMs(r.headers.get('retry-after'), Date.now()) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { status: 0, body: '', error: e.name + ': ' + (e.cause?.code || e.cause?.message || e.message) };
  }
}
