// The storefront's templates. Each prints window.datacueConfig the way DataCue's shop plugins do
// (fixtures/datacue-config), then the script as a plain blocking tag, config first (notes/vendors.md).
import {
  CATEGORIES,
  type Category,
  type Product,
  PRODUCTS,
  bannerImage,
  categoryById,
  categoryLink,
  productById,
  productImage,
  productLink,
  variantIds,
} from './catalog';
import { STYLE } from './style';

/** A cart line as the demo keeps it (its cookie) and as DataCue's cart events carry it. */
export interface CartLine {
  product_id: string;
  variant_id: string;
  quantity: number;
  unit_price: number;
  currency: string;
}

export interface Order {
  id: string;
  email: string;
  userId: number | null;
  cart: CartLine[];
  placedAt: Date;
}

/** Who is asking and where the page's script sends its events. */
export interface PageContext {
  origin: string;
  userId: number | null;
  cart: CartLine[];
  apiKey: string;
  eventsUrl: string;
  /** Set when a relay is mounted into the demo. */
  relayUrl?: string;
}

export interface Page {
  status: number;
  html: string;
}

type Config = { [k: string]: unknown };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const money = (n: number) => '€' + n.toFixed(2);
/** JSON safe inside a <script>: no "</script>" can close it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function layout(ctx: PageContext, title: string, config: Config, body: string, after = ''): string {
  const count = ctx.cart.reduce((n, l) => n + l.quantity, 0);
  // currency and locale: the widgets' price format (docs/widgets.md).
  const full: Config = { api_key: ctx.apiKey, ...config, events_url: ctx.eventsUrl, currency: 'EUR', locale: 'en-IE' };
  if (ctx.relayUrl) full.relay_url = ctx.relayUrl;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Demo Shop</title><style>${STYLE}</style>
<script>
window.datacueConfig = ${scriptJson(full)};
</script>
<script src="/dist/shoptrack.js"></script>${after}
</head><body>
<header><a class="logo" href="/">Demo Shop</a>
<nav>${CATEGORIES.map((c) => `<a href="${categoryLink(c)}">${esc(c.name)}</a>`).join('')}</nav>
<form action="/search" method="get" role="search"><input name="q" placeholder="Search products" aria-label="Search"><button>Search</button></form>
<div class="me">${ctx.userId != null ? `Customer #${ctx.userId} · <a href="#" data-logout>Log out</a>` : `<a href="/login" data-login>Log in</a>`}
<a href="/cart" class="cart">Cart (<span data-cart-count>${count}</span>)</a> <a href="/inspector" class="muted">Inspector</a></div>
</header>
<main>${body}</main>
<footer>shoptrack demo · every event goes to local stand-ins, see the <a href="/inspector">inspector</a></footer>
<script src="/demo.js"></script>
</body></html>`;
}

function card(p: Product): string {
  return `<article class="card">
<a href="${productLink(p)}" data-click-product="${p.id}"><img src="${productImage(p)}" alt="" width="200" height="200">
<h3>${esc(p.name)}</h3></a>${price(p)}
<div class="buttons"><button data-add="${p.id}" data-variant="${variantIds(p)[0]}" data-price="${p.price}"${p.stock ? '' : ' disabled'}>${p.stock ? 'Add to cart' : 'Sold out'}</button>
<button class="wish" data-wish="${p.id}" data-variant="${variantIds(p)[0]}" aria-pressed="false">♡ Wishlist</button></div>
</article>`;
}

const price = (p: Product) =>
  `<p class="price">${money(p.price)}${p.fullPrice ? ` <s>${money(p.fullPrice)}</s> <span class="off">−${Math.round((1 - p.price / p.fullPrice) * 100)}%</span>` : ''}</p>`;
const grid = (ps: Product[]) => `<div class="grid">${ps.map(card).join('')}</div>`;
const recs = '<section class="recs"><div data-dc-products></div></section>';

/** The shop's own text banner; DataCue's banners are the widget's, rendered into data-dc-banners. */
const PROMO_BANNER = 'promo-summer';

/** WooCommerce prints the customer id as a bare number, and null for guests. */
const uid = (ctx: PageContext) => ctx.userId;

export function home(ctx: PageContext): Page {
  // Magento 2 prints "" for a guest on the home page (fixtures/magento-home-guest.json).
  const config = { user_id: ctx.userId ?? '', options: { _staging: false }, page_type: 'home' };
  const body = `<div data-dc-banners data-dc-static-img="${bannerImage('B1')}" data-dc-static-link="${categoryLink(CATEGORIES[2])}"></div>
<a class="promo" href="${categoryLink(CATEGORIES[2])}" data-click-banner="${PROMO_BANNER}">Summer sale: up to 20 % off outdoors →</a>
<h2>On sale</h2>${grid(PRODUCTS.filter((p) => p.fullPrice))}${recs}
<section class="recs"><div data-qc-placement="home_top" data-dc-title="Trending now" data-dc-layout="slider"></div></section>`;
  return { status: 200, html: layout(ctx, 'Home', config, body) };
}

export function category(ctx: PageContext, c: Category): Page {
  const config = {
    user_id: uid(ctx),
    options: { _staging: false },
    page_type: 'category',
    category_id: c.id,
    category_update: { name: c.name, link: ctx.origin + categoryLink(c) },
  };
  const body = `<h1>${esc(c.name)}</h1>${grid(PRODUCTS.filter((p) => p.categoryId == c.id))}${recs}`;
  return { status: 200, html: layout(ctx, c.name, config, body) };
}

/** One product_update item per variant, as WooCommerce prints it (fixtures/woocommerce-product.json). */
function productUpdate(ctx: PageContext, p: Product): Config[] {
  const variants = p.variants || [{ id: variantIds(p)[0], label: '', stock: p.stock }];
  return variants.map((v) => ({
    product_id: p.id,
    variant_id: v.id,
    name: v.label ? p.name + ' - ' + v.label : p.name,
    // Simple products come as "12.00" strings, variants as numbers: the plugin prints both.
    price: p.variants ? p.price : p.price.toFixed(2),
    full_price: p.variants ? (p.fullPrice ?? p.price) : (p.fullPrice ?? p.price).toFixed(2),
    link: ctx.origin + productLink(p),
    available: v.stock > 0,
    description: p.description,
    brand: p.brand,
    photo_url: ctx.origin + productImage(p),
    stock: v.stock,
    category_ids: [p.categoryId],
  }));
}

export function product(ctx: PageContext, p: Product): Page {
  const config = { user_id: uid(ctx), options: {}, page_type: 'product', product_id: p.id, product_update: productUpdate(ctx, p) };
  const c = categoryById(p.categoryId)!;
  const select = p.variants
    ? `<label>Size <select data-variant-select>${p.variants.map((v) => `<option value="${v.id}"${v.stock ? '' : ' disabled'}>${v.label}${v.stock ? '' : ' (sold out)'}</option>`).join('')}</select></label>`
    : '';
  const body = `<p class="crumbs"><a href="/">Home</a> › <a href="${categoryLink(c)}">${esc(c.name)}</a></p>
<div class="product"><img src="${productImage(p)}" alt="" width="400" height="400">
<div><h1>${esc(p.name)}</h1><p class="muted">${esc(p.brand)}</p>${price(p)}<p>${esc(p.description)}</p>${select}
<div class="buttons"><button data-add="${p.id}" data-variant="${variantIds(p)[0]}" data-price="${p.price}"${p.stock ? '' : ' disabled'}>${p.stock ? 'Add to cart' : 'Sold out'}</button>
<button class="wish" data-wish="${p.id}" data-variant="${variantIds(p)[0]}" aria-pressed="false">♡ Wishlist</button></div></div></div>${recs}
<section class="recs"><div data-qc-placement="product_page" data-dc-title="Customers also viewed" data-dc-layout="slider"></div><div data-aq-recs="upsell" data-dc-title="You may also like"></div></section>`;
  return { status: 200, html: layout(ctx, p.name, config, body) };
}

export function search(ctx: PageContext, term: string, results: Product[]): Page {
  // PrestaShop leaves options out (fixtures/prestashop-search.json).
  const config = { user_id: uid(ctx), page_type: 'search', term };
  const body = `<h1>Search: “${esc(term)}”</h1>${results.length ? grid(results) : '<p>Nothing found.</p>'}${recs}`;
  return { status: 200, html: layout(ctx, 'Search', config, body) };
}

function cartTable(ctx: PageContext, removable: boolean): string {
  if (!ctx.cart.length) return '<p>Your cart is empty.</p>';
  const rows = ctx.cart.map((l, i) => {
    const p = productById(l.product_id);
    const v = p?.variants?.find((x) => x.id == l.variant_id);
    return `<tr><td>${esc(p ? p.name : l.product_id)}${v ? ' (' + v.label + ')' : ''}</td><td>${l.quantity}</td><td>${money(l.unit_price * l.quantity)}</td>${removable ? `<td><button data-remove="${i}">Remove</button></td>` : ''}</tr>`;
  });
  const total = ctx.cart.reduce((s, l) => s + l.unit_price * l.quantity, 0);
  return `<table class="cart-table"><tr><th>Product</th><th>Qty</th><th>Total</th></tr>${rows.join('')}<tr><th colspan="2">Total</th><th>${money(total)}</th></tr></table>`;
}

export function cart(ctx: PageContext): Page {
  const config = { user_id: uid(ctx), options: {}, page_type: 'cart' };
  const body = `<h1>Cart</h1>${cartTable(ctx, true)}${ctx.cart.length ? '<p><a class="button" href="/checkout">Checkout</a></p>' : ''}${recs}`;
  return { status: 200, html: layout(ctx, 'Cart', config, body) };
}

export function checkout(ctx: PageContext): Page {
  const config = { user_id: uid(ctx), options: {}, page_type: 'checkout' };
  // Right after the script tags, as the plugins' checkout templates do (fixtures/checkout.json).
  const calls = ctx.cart.length
    ? `
<script>
${ctx.userId != null ? `datacue.identify(${scriptJson(ctx.userId)});\n` : ''}datacue.track({ type: 'checkout', subtype: 'started', cart: ${scriptJson(ctx.cart)}, cart_link: ${scriptJson(ctx.origin + '/cart')} });
</script>`
    : '';
  const body = `<h1>Checkout</h1>${cartTable(ctx, false)}
${ctx.cart.length ? `<form method="post" action="/order" class="checkout"><label>Email <input name="email" type="email" required value="${ctx.userId != null ? 'customer' + ctx.userId + '@example.com' : ''}"></label><button>Place order</button></form>` : ''}${recs}`;
  return { status: 200, html: layout(ctx, 'Checkout', config, body, calls) };
}

/** "YYYY-MM-DD HH:MM:SSZ", as the fixture's order_details.timestamp. */
const orderTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ') + 'Z';

export function orderConfirmation(ctx: PageContext, o: Order): Page {
  // The guest's user_id is the billing email (fixtures/order-confirmation-guest.json).
  const config = {
    user_id: o.userId ?? o.email,
    options: {},
    page_type: 'order confirmation',
    order_id: o.id,
    order_details: { order_status: 'completed', cart: o.cart, timestamp: orderTime(o.placedAt) },
  };
  const body = `<h1>Thank you!</h1><p>Order <strong>#${esc(o.id)}</strong> is confirmed; a receipt goes to ${esc(o.email)}.</p>
${cartTable({ ...ctx, cart: o.cart }, false)}<p><a href="/">Continue shopping</a></p>${recs}`;
  return { status: 200, html: layout(ctx, 'Order received', config, body) };
}

export function notFound(ctx: PageContext): Page {
  const config = { user_id: uid(ctx), options: { _staging: false }, page_type: '404' };
  const body = `<h1>Page not found</h1><p>Try the <a href="/">home page</a> or a search.</p>${recs}`;
  return { status: 404, html: layout(ctx, 'Not found', config, body) };
}
