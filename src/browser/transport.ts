// HTTP from the browser without trusting the page: the fetch and sendBeacon found when the script
// loaded are used only while they look native; otherwise XMLHttpRequest, which old wrappers leave alone.
import { retryAfterMs, retryable, succeeded } from '../events/policy';
import type { Outcome } from './destination';
import { attempt } from './attempt';

/** A request that has not answered by then is abandoned and retried later. */
export const REQUEST_TIMEOUT_MS = 15000;

export interface Answer {
  /** HTTP status, or 0 for a network error or a timeout. */
  status: number;
  /** Retry-After in milliseconds (0 when absent). */
  retryAfter?: number;
  body?: string;
}

const native = (f: unknown): false | Function =>
  typeof f == 'function' && /\[native code\]/.test(Function.prototype.toString.call(f)) && f;
const origFetch = native(globalThis.fetch) as false | typeof fetch;
const origBeacon = native(navigator.sendBeacon) as false | Navigator['sendBeacon'];

/** POSTs a body; never rejects: failures come back as status 0. */
export const post = (url: string, body: string, headers: Record<string, string>, keepalive?: boolean): Promise<Answer> =>
  request('POST', url, body, headers, keepalive);

/** GETs a URL (the widgets' recommendations from the relay); never rejects: failures come back as status 0. */
export const get = (url: string): Promise<Answer> => request('GET', url);

async function request(method: string, url: string, body?: string, headers: Record<string, string> = {}, keepalive = false): Promise<Answer> {
  try {
    if (origFetch) {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
      try {
        const r = await origFetch.call(globalThis, url, { method, body, headers, keepalive, signal: ctl.signal });
        return { status: r.status, retryAfter: retryAfterMs(r.headers.get('retry-after'), Date.now()), body: await r.text() };
      } finally {
        clearTimeout(timer);
      }
    }
    return await new Promise<Answer>((resolve) => {
      const x = new XMLHttpRequest();
      x.open(method, url);
      x.timeout = REQUEST_TIMEOUT_MS;
      for (const h in headers) x.setRequestHeader(h, headers[h]);
      // loadend comes after load, error, abort and timeout alike; status is 0 for all but load.
      x.onloadend = () => resolve({ status: x.status, retryAfter: retryAfterMs(x.getResponseHeader('retry-after'), Date.now()), body: x.responseText });
      x.send(body);
    });
  } catch {
    return { status: 0 };
  }
}

/** Queues a body for delivery after the page is gone; false when the browser would not take it. */
export const beacon = (url: string, body: string): boolean =>
  // text/plain keeps the beacon a simple request, so a relay on another origin needs no preflight.
  !!attempt(() => origBeacon && origBeacon.call(navigator, url, new Blob([body], { type: 'text/plain;charset=UTF-8' })));

/** What an answer means for the events it carried; `who` names the server in the error. */
export const outcome = (a: Answer, who: string): Outcome =>
  succeeded(a.status)
    ? 'ok'
    : retryable(a.status)
      ? 'retry'
      : { error: who + ' answered ' + a.status + (a.body ? ': ' + a.body.slice(0, 300) : '') };
