// The events a page tracks by itself from its config, as DataCue's storefront script does: the shop
// writes no call for them. A config that lacks a field its page type needs gives an event that fails
// validation, which names the field.
import type { ShopEvent } from '../events/types';
import { productUpdate } from '../vendors/datacue';
import type { Config } from './config';

export function pageEvents(c: Config): ShopEvent[] {
  const pt = c.pageType;
  if (!pt) return [];
  const e: ShopEvent =
    // DataCue's search event, which answers with recommendations (seeds/001).
    pt == 'search'
      ? { type: 'search', term: c.term }
      : pt == 'order confirmation'
        ? { type: 'order', subtype: 'completed', order_id: c.orderId, order_status: c.order?.order_status, cart: c.order?.cart }
        : pt == 'product'
          ? // product_update keeps DataCue's copy of the product current (seeds/001); sent with the view.
            { type: 'pageview', subtype: pt, product_id: c.productId, variant_id: c.variantId, product_update: c.productUpdate[0] && productUpdate(c.productUpdate) }
          : pt == 'category'
            ? // The category's name (seeds/001); without one the view fails validation, which names the field.
              { type: 'pageview', subtype: pt, category_name: c.categoryName, category_id: c.categoryId }
            : { type: 'pageview', subtype: pt };
  // Fields left undefined are not sent (stringify skips them) and fail validation where required.
  return [e];
}
