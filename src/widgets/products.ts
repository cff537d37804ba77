// Sections of recommended products: a title, then a grid or a scroll-snap slider of product cards.
import { asNum } from '../events/values';
import type { Dict, RecProduct, RecSource } from '../events/types';
import { attr, bad, el, empty, link, safeUrl } from './dom';

/** DataCue's section titles (notes/vendors.md); `categories` has none there. */
export const TITLES: { [section: string]: string } = {
  related: 'Recommended for you',
  similar: 'Similar products',
  recent: 'Recently viewed',
  top: 'Top products',
  categories: 'From your categories',
};
/** DataCue's widgets show 8 items a section. */
export const LIMIT = 8;

/** A product card's hook: the caller tracks its clicks and impressions. */
export type OnCard = (card: HTMLElement, p: RecProduct, src: RecSource, section: string) => void;
/** What a placeholder shows: a section per key with items, from one source. */
export interface Sections {
  /** The sections, in order (related, similar, recent...). */
  keys: string[];
  /** A section's items, by key. */
  items: (key: string) => unknown;
  src: RecSource;
  /** No more answers are coming: a placeholder with nothing to show hides. */
  last: boolean;
}
/** Draws a placeholder's sections. */
export type Fill = (e: HTMLElement, s: Sections) => void;

/** The section drawer for the config `raw` (widget_* options under a placeholder's data-dc-* ones). */
export const sections = (raw: Dict, money: (n: number) => string, onCard: OnCard): Fill => (e, { keys, items, src, last }) => {
  const opt = (k: string) => attr(e, 'data-dc-' + k) ?? (raw['widget_' + k] as string | undefined);
  const layout = opt('layout') || 'grid';
  const slider = layout == 'slider';
  let limit = +(opt('limit') || LIMIT);
  if (!/^(grid|slider)$/.test(layout) || !(limit >= 1)) bad(e);
  if (!(limit >= 1)) limit = LIMIT;
  const fields = String(opt('fields') || 'price,full_price');
  const has = (f: string) => fields.includes(f);
  e.replaceChildren();
  for (const k of keys) {
    const list = items(k);
    const ok = (Array.isArray(list) ? (list as RecProduct[]) : []).filter((p) => p && p.product_id != null).slice(0, limit);
    if (!ok.length) continue;
    const title = attr(e, 'data-dc-title') || ((raw.widget_titles || {}) as Dict)[k] || TITLES[k];
    const s = el('section', { className: slider ? 'dc-s dc-x' : 'dc-s', parent: e });
    const h = el('div', { className: 'dc-h', parent: s });
    el('h2', { text: title, parent: h });
    // list-style:none drops list semantics in Safari unless the role is explicit. A slider's list is a
    // focusable scroller: arrow keys scroll it and snap to the next card.
    const l = el('ul', { className: 'dc-l', parent: s, attrs: slider ? { role: 'list', tabindex: 0, 'aria-label': title } : { role: 'list' } });
    for (const p of ok) {
      const c = link(p.link, 'dc-c', el('li', { parent: l }));
      const img = safeUrl(p.photo_url);
      if (img) el('img', { className: 'dc-i', parent: c, attrs: { src: img, alt: '', loading: 'lazy' } });
      else el('span', { className: 'dc-i', parent: c });
      el('div', { className: 'dc-n', text: p.name, parent: c });
      if (has('brand') && p.brand) el('div', { className: 'dc-b', text: p.brand, parent: c });
      const price = asNum(p.price);
      const full = asNum(p.full_price)!;
      if (has('price') && price != null) {
        const pe = el('div', { className: 'dc-p', text: money(price), parent: c });
        // Seed 001, "Discounts": on discount only when full_price is present and greater than price.
        if (has('full_price') && full > price) el('del', { text: money(full), parent: pe });
      }
      onCard(c, p, src, k);
    }
    if (slider)
      for (const dir of [-1, 1])
        el('button', { text: dir < 0 ? '<' : '>', parent: h, attrs: { type: 'button', 'aria-label': dir < 0 ? 'Previous' : 'Next' } }).onclick = () =>
          l.scrollBy({ left: dir * l.clientWidth, behavior: 'smooth' });
  }
  empty(e, last && !e.firstChild);
};
