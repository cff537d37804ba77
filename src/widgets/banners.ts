// DataCue's banners (seeds/001, "Inserting banners"): a wide slot (the first main banner, else the
// static banner) beside a narrow one (the first sub banner); or a custom layout of elements marked
// data-dc-main-insert-banner="N" / data-dc-sub-insert-banner="N" (1-based, anywhere on the page).
import type { RecAnswer, RecBanner } from '../events/types';
import { attr, bad, each, el, empty, link, safeUrl } from './dom';

export const SLOTS = '[data-dc-main-insert-banner],[data-dc-sub-insert-banner]';

/** A banner's click handler, by its banner_id. */
export type OnBanner = (id: string) => (ev: MouseEvent) => void;

/** Draws every banner placeholder; `done` when no answer is awaited any more (empty ones hide). */
export function drawBanners(a: RecAnswer, done: boolean, on: OnBanner): void {
  /** A `main` or `sub` banner, drawn, when its image is safe. */
  const banner = (kind: string, b?: Partial<RecBanner>) => {
    const src = b && safeUrl(b.photo_url);
    if (!src) return;
    const e = link(b.link, 'dc-bn dc-b' + kind[0]);
    el('img', '', e, null, { src, alt: b.name || b.title || '' });
    if (b.banner_id != null) e.onclick = on(String(b.banner_id));
    return e;
  };
  const nth = (kind: string, n: number) => banner(kind, ((a[kind + '_banners'] || []) as RecBanner[])[n]);
  for (const kind of ['main', 'sub']) {
    const k = 'data-dc-' + kind + '-insert-banner';
    each('[' + k + ']', (e) => {
      const n = +attr(e, k)!;
      if (!(n >= 1 && n % 1 == 0)) return bad(e);
      const b = nth(kind, n - 1);
      b && e.replaceChildren(b);
    });
  }
  each('[data-dc-banners]', (e) => {
    if (e.querySelector(SLOTS)) return;
    const img = attr(e, 'data-dc-static-img');
    const url = attr(e, 'data-dc-static-link');
    [img, url].some((u) => u && !safeUrl(u)) && bad(e);
    const kids = [nth('main', 0) || banner('main', { banner_id: 'static', photo_url: img!, link: url! }), nth('sub', 0)];
    e.replaceChildren(...(kids.filter((k) => k) as HTMLElement[]));
    empty(e, done && !e.firstChild);
  });
}
