// DataCue's banners (seeds/001, "Inserting banners"): the static banner, which "shows up for everyone",
// across the top, and below it the shopper's personalised wide banner (the first main banner) beside a
// narrow one (the first sub banner); or a custom layout of elements marked
// data-dc-main-insert-banner="N" / data-dc-sub-insert-banner="N" (1-based, anywhere on the page).
import type { RecAnswer, RecBanner } from '../events/types';
import { attr, bad, each, el, empty, link, safeUrl } from './dom';
import { SLOTS } from './selectors';

/** A banner's click handler, by its banner_id. */
export type OnBanner = (id: string) => (ev: MouseEvent) => void;

/** Draws every banner placeholder; `done` when no answer is awaited any more (empty ones hide). */
export function drawBanners(a: RecAnswer, done: boolean, on: OnBanner): void {
  /** A banner of class `cls` (dc-bm main, dc-bs sub, dc-bt static), drawn, when its image is safe. */
  const banner = (cls: string, b?: Partial<RecBanner>) => {
    const src = b && safeUrl(b.photo_url);
    if (!src) return;
    const e = link(b.link, 'dc-bn ' + cls);
    el('img', { parent: e, attrs: { src, alt: b.name || b.title || '' } });
    if (b.banner_id != null) e.onclick = on(String(b.banner_id));
    return e;
  };
  const nth = (kind: string, n: number) => banner('dc-b' + kind[0], ((a[kind + '_banners'] || []) as RecBanner[])[n]);
  for (const kind of ['main', 'sub']) {
    const k = 'data-dc-' + kind + '-insert-banner';
    each('[' + k + ']', (e) => {
      const n = +attr(e, k)!;
      if (!(n >= 1 && n % 1 == 0)) return bad(e);
      const b = nth(kind, n - 1);
      if (b) e.replaceChildren(b);
    });
  }
  each('[data-dc-banners]', (e) => {
    if (e.querySelector(SLOTS)) return;
    const img = attr(e, 'data-dc-static-img');
    const url = attr(e, 'data-dc-static-link');
    if ([img, url].some((u) => u && !safeUrl(u))) bad(e);
    const personal = [nth('main', 0), nth('sub', 0)].filter((k) => k) as HTMLElement[];
    const staticBanner = banner('dc-bt', { banner_id: 'static', photo_url: img!, link: url! });
    e.replaceChildren(...(staticBanner ? [staticBanner] : []), ...personal);
    // The personalised row keeps its space while the answer is awaited; without a banner for this
    // shopper it closes once the answer is in, as an empty placeholder hides.
    e.classList.toggle('dc-b1', done && !personal.length);
    empty(e, done && !e.firstChild);
  });
}
