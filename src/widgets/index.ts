// The recommendation widgets (issue 4): DataCue's [data-dc-products] and [data-dc-banners]
// placeholders, Quarticon's [data-qc-placement] and Aqurate's [data-aq-recs]. The script tag loads them
// as a chunk of their own, dist/shoptrack-widgets.js, where a page has use for them (load.ts).
import { warn } from '../browser/console';
import type { Tracker } from '../browser/tracker';
import { pageEvents } from '../browser/page';
import type { RecAnswer, ShopEvent } from '../events/types';
import { asId } from '../events/values';
import { answersWithRecs } from '../vendors/datacue';
import { drawBanners } from './banners';
import { attr, bad, doc, each, empty } from './dom';
import { TITLES, sections } from './products';
import { viewed } from './recent';
import { ANY, PRICED } from './selectors';
import { addStyle } from './style';
import { drawVendors } from './vendors';

/** The sections a bare [data-dc-products] shows, by page type. */
const SECTIONS: { [pageType: string]: string } = {
  product: 'related similar recent',
  category: 'related top recent',
  home: 'related categories recent',
};
/** How long a click on a recommendation may wait for its event to be written before navigating. */
export const WRITE_WAIT_MS = 300;
/**
 * Mounts the widgets on the tracker's page. `early`: the recommendation answer that came before the
 * widgets did (the script tag's loader keeps it while the chunk loads).
 */
export function mountWidgets(t: Tracker, early?: unknown): void {
  try {
    const c = t.config;
    const raw = c.raw;
    // Nothing is built until a placeholder is found: a page without one pays for none of it. The first
    // Intl.NumberFormat of a page loads the number data (15-25 ms in Chromium), so it is made once, on
    // first use, or warmed in a task of its own after DOMContentLoaded (see start).
    let fmt: ((n: number) => string) | undefined;
    const money = (n: number) => (fmt ||= format(raw.locale, raw.currency))(n);
    let styled = false;
    const style = () => {
      if (!styled) addStyle(raw.style_nonce);
      styled = true;
    };
    /** Whether the page has a placeholder; the stylesheet is added with the first one found. */
    const found = () => {
      const any = !!doc.querySelector(ANY);
      if (any) style();
      return any;
    };
    // Run from <head>, the script comes before the placeholders, and Chromium may paint them before
    // DOMContentLoaded (a busy machine, a long page): the stylesheet that reserves their space goes in
    // now, or that first paint shows them empty and the reserved space shifts the page (CLS 0.41 seen).
    if (doc.readyState == 'loading') style();
    let answer: RecAnswer = { recent_product_skus: viewed(c.productUpdate[0], c.consent == 'granted') };
    // Placeholders keep their reserved space until the page's answer, when one is coming.
    let done = !(c.apiKey && c.consent == 'granted' && pageEvents(c).some(answersWithRecs));

    const track = (e: ShopEvent, defer?: boolean) => t.track(e, defer).catch(() => {});
    /** A card's or banner's click handler: tracks `e`, deferred to the next page. */
    const click = (e: ShopEvent) => (ev: MouseEvent) => {
      const written = track(e, true);
      const href = (ev.currentTarget as HTMLAnchorElement).href;
      // The outbox writes a deferred event asynchronously, and a navigation can cut the write short:
      // a plain click waits for it (at most WRITE_WAIT_MS) before following the link.
      if (href && !ev.defaultPrevented && !(ev.button || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey)) {
        ev.preventDefault();
        Promise.race([written, new Promise((r) => setTimeout(r, WRITE_WAIT_MS))]).then(() => location.assign(href));
      }
    };

    /** Quarticon cards not yet seen, with their click event; one observer watches them all. */
    const seen = new WeakMap<Element, ShopEvent>();
    let io: IntersectionObserver | undefined;
    const impressions = (entries: IntersectionObserverEntry[]) => {
      for (const { target, intersectionRatio } of entries)
        if (intersectionRatio >= 0.5) {
          io!.unobserve(target);
          track({ ...seen.get(target)!, type: 'impression' });
        }
    };

    const fill = sections(raw, money, (card, p, source, k) => {
      const e: ShopEvent = {
        type: 'click',
        // DataCue's click subtypes name the section they came from, where it has one.
        subtype: source == 'datacue' && /^(related|similar|recent)$/.test(k) ? k : 'product',
        product_id: asId(p.product_id),
        source,
        tracking_string: asId(p.tracking_string),
      };
      card.onclick = click(e);
      // Quarticon counts an item as seen (eventProductView) once half of it is visible; once a card.
      if (source == 'quarticon') {
        seen.set(card, e);
        io ||= new IntersectionObserver(impressions, { threshold: 0.5 });
        io.observe(card);
      }
    });

    const draw = () => {
      if (!found()) return;
      each('[data-dc-products]', (e) => {
        const v = attr(e, 'data-dc-products');
        if (v && !TITLES[v]) {
          bad(e);
          empty(e, true);
          return;
        }
        fill(e, {
          keys: (v || SECTIONS[c.pageType!] || 'related recent').split(' '),
          items: (k) => answer[k + '_product_skus'],
          src: 'datacue',
          last: done,
        });
      });
      drawBanners(answer, done, (banner_id) => click({ type: 'click', subtype: 'banner', banner_id }));
    };

    const answered = (a: unknown) => {
      const local = answer.recent_product_skus;
      answer = { ...(a as RecAnswer) };
      // DataCue's own recent list wins once it has something; until then the local one shows.
      if (!(answer.recent_product_skus || []).length) answer.recent_product_skus = local;
      done = true;
      // Before DOMContentLoaded this draws the placeholders parsed so far; start() draws them all.
      draw();
    };
    t.onAnswer(answered);
    if (early) answered(early);

    const start = () => {
      if (!found()) return;
      // Prices are coming (an answer, the relay's, or the local recent list): the formatter is made now,
      // in a task of its own, rather than inside the answer's (which draws within one frame).
      if (doc.querySelector(PRICED)) setTimeout(money, 0, 0);
      draw();
      drawVendors(t, (e, src, items) => fill(e, { keys: ['related'], items: () => items, src, last: true }));
    };
    if (doc.readyState == 'loading') doc.addEventListener('DOMContentLoaded', start);
    else start();
  } catch (err) {
    warn('widgets: ' + err);
  }
}

/** Prices in the shop's currency and locale (config `currency`, `locale`; else the page's lang). */
function format(locale: unknown, currency: unknown): (n: number) => string {
  try {
    return new Intl.NumberFormat((locale || doc.documentElement.lang || undefined) as string, currency ? { style: 'currency', currency: currency as string } : { minimumFractionDigits: 2 }).format;
  } catch {
    warn('invalid currency or locale');
    return (n) => n.toFixed(2);
  }
}
