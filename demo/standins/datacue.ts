// A local stand-in of DataCue's browser events endpoint, `POST https://events.datacue.co/` (seeds/001,
// notes/vendors.md): Basic auth with the public key, every payload validated, recommendations for home
// and product page views and searches, 204 for the rest.
import type { IncomingHttpHeaders } from 'node:http';
import {
  CATEGORIES,
  type Product,
  bannerImage,
  categoryLink,
  productById,
  productImage,
  productLink,
  variantIds,
} from '../catalog';
import { eventKind, invalidReason } from './datacue-validate';
import { standIn } from './serve';
import type { Reply, StandIn, StandInContext } from './types';

/** The key the demo's pages print; any other is refused, as DataCue refuses an unknown key. */
export const DEMO_API_KEY = 'demo-shop-key';
/** "A live list of the last products the current user has viewed": how many it keeps. */
const RECENT_MAX = 8;
/** Items a recommendation section holds (their dashboard's default, notes/vendors.md). */
const SECTION_MAX = 8;

type Obj = { [k: string]: unknown };

export interface DataCueStandIn extends StandIn {
  /** The events of every 2xx-answered request, flattened from single and array bodies, oldest first. */
  events(): DataCueEvent[];
}

/** One accepted event and the request that carried it. */
export interface DataCueEvent {
  user: { user_id?: string; anonymous_id?: string; profile?: Obj };
  event: Obj & { type: string };
  timestamp?: string;
  context?: Obj;
  request: number;
  headers: IncomingHttpHeaders;
}

function authorized(header: string | undefined, apiKey: string): string | undefined {
  if (!header) return 'Authorization header missing: expected Basic base64(api_key + ":")';
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!m) return 'Authorization must be Basic base64(api_key + ":")';
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  if (!decoded.endsWith(':')) return 'Authorization password must be empty for browser events';
  if (decoded.slice(0, -1) != apiKey) return 'unknown api key "' + decoded.slice(0, -1) + '"';
}

/** A product as DataCue's answer lists it; prices alternate between numbers and strings, as theirs do. */
function sku(p: Product, priceAsString: boolean): Obj {
  const item: Obj = {
    product_id: p.id,
    variant_id: variantIds(p)[0],
    name: p.name,
    price: priceAsString ? p.price.toFixed(2) : p.price,
    photo_url: productImage(p),
    link: productLink(p),
    category_1: CATEGORIES.find((c) => c.id == p.categoryId)?.slug,
    extra: p.fullPrice ? { discount: Math.round((1 - p.price / p.fullPrice) * 100) + '%' } : {},
  };
  if (p.fullPrice) item.full_price = p.fullPrice;
  return item;
}

export function createDataCueStandIn(ctx: StandInContext, apiKey = DEMO_API_KEY): DataCueStandIn {
  const { catalog } = ctx;
  /** Recently viewed product ids per shopper (user_id, else anonymous_id), newest first. */
  const recent = new Map<string, string[]>();

  const recentOf = (shopper: string, except?: string): Obj[] =>
    (recent.get(shopper) || [])
      .filter((id) => id != except)
      .map((id) => productById(id))
      .filter((p): p is Product => !!p)
      .map((p) => sku(p, true));

  const banners = () => ({
    main_banners: [{ banner_id: 'B1', photo_url: bannerImage('B1'), link: categoryLink(CATEGORIES[2]), name: 'Summer outdoors' }],
    sub_banners: CATEGORIES.slice(0, 3).map((c, i) => ({
      banner_id: 'B' + (i + 2),
      photo_url: bannerImage('B' + (i + 2)),
      link: categoryLink(c),
      name: c.name,
    })),
  });

  function answer(e: Obj, shopper: string): unknown {
    const kind = eventKind(e);
    if (kind == 'pageview/product') {
      const id = String(e.product_id);
      recent.set(shopper, [id, ...(recent.get(shopper) || []).filter((r) => r != id)].slice(0, RECENT_MAX));
      const p = productById(id);
      const related = p?.boughtWith?.map((r) => productById(r)).filter((r): r is Product => !!r);
      return {
        similar_product_skus: catalog
          .filter((c) => p && c.categoryId == p.categoryId && c.id != p.id)
          .slice(0, SECTION_MAX)
          .map((c) => sku(c, false)),
        related_product_skus: related ? related.map((r) => sku(r, false)) : null,
        recent_product_skus: recentOf(shopper, id),
      };
    }
    if (kind == 'pageview/home') {
      const viewed = recent.get(shopper) || [];
      return {
        ...banners(),
        related_product_skus: catalog.filter((p) => !viewed.includes(p.id)).slice(0, SECTION_MAX).map((p) => sku(p, false)),
        recent_product_skus: recentOf(shopper),
      };
    }
    if (kind == 'search') return { recent_product_skus: recentOf(shopper) };
  }

  function handle(req: { method: string; headers: IncomingHttpHeaders; body: unknown }): Reply {
    if (req.method != 'POST') return { status: 405, reason: 'only POST' };
    const auth = authorized(req.headers.authorization, apiKey);
    if (auth) return { status: 401, reason: auth };
    if (!/^application\/json\b/.test(req.headers['content-type'] || ''))
      return { status: 400, reason: 'Content-Type must be application/json' };
    const reason = invalidReason(req.body);
    if (reason) return { status: 400, reason };
    const items = (Array.isArray(req.body) ? req.body : [req.body]) as { user: Obj; event: Obj }[];
    const answers = items.map((b) => answer(b.event, String(b.user.user_id || b.user.anonymous_id)));
    // A single recommendation event is answered with its recommendations; a batch only acknowledged.
    return !Array.isArray(req.body) && answers[0] ? { status: 200, json: answers[0] } : { status: 204 };
  }

  const s = standIn({ name: 'datacue', handle, allowHeaders: ['Authorization', 'Content-Type'] });
  return Object.assign(s, {
    events: (): DataCueEvent[] =>
      s.received
        .filter((r) => r.status != null && r.status >= 200 && r.status < 300)
        .flatMap((r) =>
          (Array.isArray(r.body) ? r.body : [r.body]).map((b) => ({ ...(b as Omit<DataCueEvent, 'request' | 'headers'>), request: r.n, headers: r.headers })),
        ),
  });
}
