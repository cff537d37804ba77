// Quarticon and Aqurate placements, fetched through the shop's relay (which holds their keys):
// GET <relay>/recs/quarticon?placementId=..&cookie=..  -> Quarticon's {status, data:[{id, title, ...}]}
// GET <relay>/recs/aqurate/<kind>?product_id=..        -> {items:[{product_id, name, price, ...}]}
import type { RecProduct, RecSource } from '../events/types';
import type { Tracker } from '../browser/tracker';
import { attr, bad, each, empty } from './dom';

/** Aqurate's item-to-item kinds (notes/vendors.md). */
const AQ_KINDS = /^(upsell|cross-sell|substitutes)$/;

type Answer = { status?: string; data?: { [k: string]: unknown }[]; items?: RecProduct[] };
type Draw = (e: HTMLElement, src: RecSource, items: unknown) => void;

/** Requests every placement's items from the relay and draws them; a placement that gets none hides. */
export function drawVendors(t: Tracker, draw: Draw): void {
  const c = t.config;
  const get = (e: HTMLElement, src: RecSource, ok: unknown, path: string, q: { [k: string]: unknown }, items: (j: Answer) => unknown) => {
    if (!ok || !c.relayUrl) return bad(e), empty(e, 1);
    for (const k in q) q[k] == null && delete q[k];
    fetch(c.relayUrl.replace(/\/*$/, '/recs/') + path + '?' + new URLSearchParams(q as Record<string, string>))
      .then((r) => r.json())
      .then((j: Answer) => draw(e, src, items(j)))
      .catch(() => empty(e, 1));
  };
  each('[data-qc-placement]', (e) => {
    const id = attr(e, 'data-qc-placement')!;
    // Quarticon's ids allow [a-zA-Z0-9-_] only (notes/vendors.md): a user id such as an email is left out.
    const ok = (v?: string | null) => (v && /^[\w-]+$/.test(v) ? v : null);
    const q = { placementId: id, cookie: t.anonymousId, userId: ok(c.userId), filterProduct: ok(c.productId), filterCategory: c.categoryId };
    // Quarticon's /recommendation items, as every card takes them (seeds/002).
    get(e, 'quarticon', ok(id), 'quarticon', q, (j) =>
      j.status == 'OK' &&
      j.data!.map((d) => ({
        product_id: d.id,
        name: d.title,
        photo_url: d.image,
        link: d.url,
        price: d.price,
        full_price: d.priceOld,
        tracking_string: d.trackingString,
      })),
    );
  });
  each('[data-aq-recs]', (e) => {
    const kind = attr(e, 'data-aq-recs')!;
    get(e, 'aqurate', AQ_KINDS.test(kind) && c.productId, 'aqurate/' + kind, { product_id: c.productId }, (j) => j.items);
  });
}
