// Quarticon and Aqurate placements, fetched through the shop's relay (which holds their keys):
// GET <relay>/recs/quarticon?placementId=..&cookie=..  -> Quarticon's {status, data:[{id, title, ...}]}
// GET <relay>/recs/aqurate/<kind>?product_id=..        -> {items:[{product_id, name, price, ...}]}
import { type AqurateRecsAnswer, type QuarticonRecQuery, RELAY_AQURATE_RECS, RELAY_QUARTICON_RECS, type RecSource, isAqurateRecKind, quarticonId } from '../events/policy';
import { parse } from '../browser/store';
import type { Tracker } from '../browser/tracker';
import { get as request } from '../browser/transport';
import { attr, bad, each, empty } from './dom';

/** Quarticon's /recommendation answer as the relay passes it on (seeds/002). */
type QuarticonAnswer = { status?: string; data?: { [k: string]: unknown }[] };
type Answer = QuarticonAnswer & Partial<AqurateRecsAnswer>;
type Draw = (e: HTMLElement, src: RecSource, items: unknown) => void;

/** Requests every placement's items from the relay and draws them; a placement that gets none hides. */
export function drawVendors(t: Tracker, draw: Draw): void {
  const c = t.config;
  const get = (e: HTMLElement, src: RecSource, ok: unknown, path: string, q: object, items: (j: Answer) => unknown) => {
    if (!ok || !c.relayUrl) {
      bad(e);
      empty(e, true);
      return;
    }
    const query: Record<string, string> = {};
    for (const k in q) {
      const v = (q as { [k: string]: unknown })[k];
      if (v != null) query[k] = String(v);
    }
    // The fetch saved when the script loaded, as the transport's own requests (a page's wrapper is not trusted).
    request(c.relayUrl.replace(/\/*$/, '') + path + '?' + new URLSearchParams(query))
      .then((a) => draw(e, src, items(parse(a.body!) as Answer)))
      .catch(() => empty(e, true));
  };
  each('[data-qc-placement]', (e) => {
    const id = attr(e, 'data-qc-placement')!;
    // A user id Quarticon would refuse (an email, say) is left out.
    const q: QuarticonRecQuery = { placementId: id, cookie: t.anonymousId, userId: quarticonId(c.userId), filterProduct: quarticonId(c.productId), filterCategory: c.categoryId };
    // Quarticon's /recommendation items, as every card takes them (seeds/002).
    get(e, 'quarticon', quarticonId(id), RELAY_QUARTICON_RECS, q, (j) =>
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
    get(e, 'aqurate', isAqurateRecKind(kind) && c.productId, RELAY_AQURATE_RECS + kind, { product_id: c.productId }, (j) => j.items);
  });
}
