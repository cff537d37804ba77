// Recently viewed, kept by this browser: built from product_update on product pages, so the `recent`
// section has something to show before, or without, DataCue's recent_product_skus.
import { parse } from '../browser/store';
import { stringify } from '../events/json';
import type { RecProduct } from '../events/types';

export const RECENT_KEY = 'stk_recent';
/** Products remembered; DataCue's widgets show 8 a section, a few more cover the current product. */
export const RECENT_KEPT = 12;

/** Puts the viewed product first (once), keeps RECENT_KEPT; returns the list without it. */
export function viewed(p: RecProduct | undefined, store: boolean): RecProduct[] {
  let list: RecProduct[] = [];
  try {
    // The JSON.parse of when the script loaded, not one a page patched since.
    list = parse(localStorage.getItem(RECENT_KEY)!);
  } catch {
    // Not JSON: a list of none.
  }
  const id = p && p.product_id;
  list = (Array.isArray(list) ? list : []).filter((q) => q && q.product_id != id);
  if (id != null && store) {
    const { name, price, full_price, photo_url, link = location.href, brand } = p!;
    try {
      localStorage.setItem(RECENT_KEY, stringify([{ product_id: String(id), name, price, full_price, photo_url, link, brand }, ...list].slice(0, RECENT_KEPT)));
    } catch {
      // Storage refused: the list is not kept, the page is unaffected.
    }
  }
  return list;
}
