// The widgets' one stylesheet, in a cascade layer so that any rule of the shop's wins over it, themed
// by the --dc-* custom properties. A card's height follows from its width alone, so the space a
// placeholder reserves before its answer is the space a one-row section takes: no layout shift.
import { SLOTS } from './selectors';
import { doc } from './dom';

const CSS =
  '@layer shoptrack{.dc-e{display:none!important}' +
  '[data-dc-products],[data-qc-placement],[data-aq-recs]{min-height:calc(var(--dc-w,10rem) + 7.75em)}' +
  '.dc-h{display:flex;height:2.5em}.dc-h h2{flex:1;margin:auto 0;font-size:1.1em;overflow:hidden;white-space:nowrap}.dc-h button{width:2.5em}' +
  '.dc-l{display:grid;grid:auto/repeat(auto-fill,var(--dc-w,10rem));gap:var(--dc-gap,1rem);margin:0;padding:0;list-style:none}' +
  '.dc-x .dc-l{grid:auto/auto-flow var(--dc-w,10rem);overflow:auto;scroll-snap-type:x mandatory;scrollbar-width:none}' +
  '.dc-c{display:block;height:calc(var(--dc-w,10rem) + 5.25em);overflow:hidden;line-height:1.25em;color:inherit;text-decoration:none;scroll-snap-align:start}' +
  '.dc-i{display:block;width:100%;aspect-ratio:1;margin-bottom:.25em;object-fit:cover;background:var(--dc-img-bg,#eee)}' +
  '.dc-n{max-height:2.5em;overflow:hidden}' +
  '.dc-p{font-weight:600;color:var(--dc-price,inherit)}.dc-b,.dc-p del{opacity:.7}.dc-p del{margin-left:.4em;font-weight:400}' +
  '.dc-s :focus-visible{outline:2px solid var(--dc-focus,#0a58ca);outline-offset:-2px}' +
  // Banners: a wide (1200x720, 5:3) and a narrow (480x720, 2:3) one side by side, 7:3 in all; with a
  // static banner (wide) across the top above them: rows of 21 and 15 parts, 35:36 in all.
  `[data-dc-banners]:not(:has(${SLOTS})){display:grid;grid:100%/5fr 2fr;gap:var(--dc-gap,1rem);aspect-ratio:7/3;overflow:hidden}` +
  `[data-dc-banners][data-dc-static-img]:not(:has(${SLOTS})){grid:21fr 15fr/5fr 2fr;aspect-ratio:35/36}` +
  '[data-dc-banners][data-dc-static-img].dc-b1{grid:100%/1fr;aspect-ratio:5/3}.dc-bt{grid-column:1/-1}' +
  '.dc-bn,.dc-bn img{display:block;width:100%;height:100%;object-fit:cover}.dc-bm img,.dc-bt img{aspect-ratio:5/3}.dc-bs img{aspect-ratio:2/3}}';

/**
 * Adds the stylesheet. With a nonce (config `style_nonce`) as a <style nonce> element, for a CSP that
 * lists the nonce; else as a constructed stylesheet, which a strict `style-src` does not block.
 */
export function addStyle(nonce: unknown): void {
  if (!nonce)
    try {
      const s = new CSSStyleSheet();
      s.replaceSync(CSS);
      return void doc.adoptedStyleSheets.push(s);
    } catch {
      // No constructable (or no mutable adopted) stylesheets: a <style> element, as below.
    }
  doc.head.append(Object.assign(doc.createElement('style'), { nonce, textContent: CSS }));
}
