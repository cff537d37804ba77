// The widgets against DataCue's answers (seeds/001) and the relay's vendor answers, in happy-dom.
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';

// The tracker's warn() keeps the console.warn it found at load: replace it before anything is imported.
const warns = vi.hoisted(() => {
  const w: string[] = [];
  console.warn = (...a: unknown[]) => void w.push(a.join(' '));
  return w;
});
// The relay's recommendations come through the transport's GET (the fetch saved at load), not the page's fetch.
const relayGet = vi.hoisted(() => vi.fn<(url: string) => Promise<{ status: number; body?: string }>>());
vi.mock('../../../src/browser/transport', async (actual) => ({ ...(await actual<object>()), get: relayGet }));

import { readConfig } from '../../../src/browser/config';
import type { Tracker } from '../../../src/browser/tracker';
import type { Dict, RecAnswer, ShopEvent } from '../../../src/events/types';
import { WRITE_WAIT_MS, mountWidgets } from '../../../src/widgets';
import { RECENT_KEPT, RECENT_KEY } from '../../../src/widgets/recent';

interface Fake {
  t: Tracker;
  tracked: [ShopEvent, boolean | undefined][];
  answer: (a: unknown) => void;
}

function mount(raw: Dict, html: string): Fake {
  document.body.innerHTML = html;
  const tracked: Fake['tracked'] = [];
  const listeners: ((a: unknown, e: ShopEvent) => void)[] = [];
  const t = {
    config: readConfig({ api_key: 'k', ...raw }, () => {}),
    anonymousId: 'anon-1',
    track: (e: ShopEvent, d?: boolean) => (tracked.push([e, d]), Promise.resolve()),
    onAnswer: (fn: (a: unknown, e: ShopEvent) => void) => listeners.push(fn),
  } as unknown as Tracker;
  mountWidgets(t);
  return { t, tracked, answer: (a) => listeners.forEach((fn) => fn(a, { type: 'pageview' })) };
}

const $ = <E extends Element = HTMLElement>(sel: string) => document.querySelector<E>(sel)!;
const $$ = (sel: string) => [...document.querySelectorAll<HTMLElement>(sel)];
const texts = (sel: string) => $$(sel).map((e) => e.textContent);

const P = (id: string, extra: Dict = {}) => ({ product_id: id, name: 'Product ' + id, price: 10, photo_url: '/p/' + id + '.jpg', link: '/product/' + id, ...extra });
const PRODUCT_PAGE = { page_type: 'product', product_id: 'P0', product_update: [{ product_id: 'P0', variant_id: 'a', name: 'Viewed', price: 5, link: '/product/P0' }] };
// The seed's product page answer: related null, prices as numbers and strings.
const PRODUCT_ANSWER: RecAnswer = {
  similar_product_skus: [P('56', { name: 'Soft Sofa', price: 299 }), P('38', { name: 'Wicker Sofa', price: '299.00' })],
  related_product_skus: null,
  recent_product_skus: [P('18', { name: 'Luxury Double Bed', price: '1299.00', extra: { discount: '20%' } })],
};

beforeEach(() => {
  localStorage.clear();
  warns.length = 0;
  document.head.innerHTML = '';
  document.adoptedStyleSheets = [];
  document.documentElement.lang = '';
});
afterEach(() => vi.unstubAllGlobals());

describe('data-dc-products', () => {
  it('shows every section that fits a product page, skipping the null related section', () => {
    const f = mount({ ...PRODUCT_PAGE, currency: 'USD', locale: 'en-US' }, '<div data-dc-products></div>');
    f.answer(PRODUCT_ANSWER);
    expect(texts('.dc-s h2')).toEqual(['Similar products', 'Recently viewed']);
    expect(texts('.dc-n')).toEqual(['Soft Sofa', 'Wicker Sofa', 'Luxury Double Bed']);
    expect(texts('.dc-p')).toEqual(['$299.00', '$299.00', '$1,299.00']);
    expect($$('ul.dc-l[role=list] > li > a.dc-c').length).toBe(3);
    expect($('a.dc-c').getAttribute('href')).toBe('http://localhost:3000/product/56');
    const img = $('img.dc-i');
    expect([img.getAttribute('src'), img.getAttribute('loading'), img.getAttribute('alt')]).toEqual(['http://localhost:3000/p/56.jpg', 'lazy', '']);
  });

  it('formats prices in the configured currency and locale', () => {
    const f = mount({ page_type: 'home', currency: 'EUR', locale: 'de-DE' }, '<div data-dc-products="related"></div>');
    f.answer({ related_product_skus: [P('1', { price: '1299.5' })] });
    expect($('.dc-p').textContent!.replace(/\s/g, ' ')).toBe('1.299,50 €');
  });

  it('falls back to plain numbers, with one warning, on an unknown currency', () => {
    const f = mount({ page_type: 'home', currency: 'nope!', locale: 'en-US' }, '<div data-dc-products="related"></div>');
    f.answer({ related_product_skus: [P('1', { price: 3 })] });
    expect($('.dc-p').textContent).toBe('3.00');
    expect(warns.filter((w) => w.includes('currency'))).toHaveLength(1);
  });

  it.each([
    ['full price greater than price', { price: 40, full_price: 50 }, '$50.00'],
    ['full price as a string', { price: '40.00', full_price: '50.00' }, '$50.00'],
    ['full price equal to price', { price: 40, full_price: 40 }, null],
    ['full price below price', { price: 40, full_price: 30 }, null],
    ['no full price', { price: 40 }, null],
    ['empty full price', { price: 40, full_price: '' }, null],
  ])('strikes the full price through only when discounted: %s', (_, prices, struck) => {
    const f = mount({ page_type: 'home', currency: 'USD', locale: 'en-US' }, '<div data-dc-products="related"></div>');
    f.answer({ related_product_skus: [P('1', prices)] });
    expect($('.dc-p del')?.textContent ?? null).toBe(struck);
    expect($('.dc-p').firstChild!.textContent).toBe('$40.00');
  });

  it('picks the section its value names, with its DataCue title, and 8 items at most', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-products="recent"></div><div data-dc-products="related"></div>');
    f.answer({ related_product_skus: Array.from({ length: 12 }, (_, i) => P('r' + i)), recent_product_skus: [P('x')] });
    expect(texts('[data-dc-products="recent"] h2')).toEqual(['Recently viewed']);
    expect(texts('[data-dc-products="related"] h2')).toEqual(['Recommended for you']);
    expect($$('[data-dc-products="related"] li')).toHaveLength(8);
  });

  it('reads layout, limit, title and fields from data attributes, then the config', () => {
    const f = mount(
      { page_type: 'home', widget_layout: 'slider', widget_titles: { related: 'Picked for you' }, widget_fields: 'price,brand', currency: 'USD', locale: 'en-US' },
      '<div id="a" data-dc-products="related"></div><div id="b" data-dc-products="related" data-dc-layout="grid" data-dc-limit="2" data-dc-title="Yours" data-dc-fields="price"></div>',
    );
    f.answer({ related_product_skus: [P('1', { brand: 'Acme', full_price: 20 }), P('2'), P('3')] });
    expect($('#a .dc-s').classList.contains('dc-x')).toBe(true);
    expect(texts('#a h2')).toEqual(['Picked for you']);
    expect(texts('#a .dc-b')).toEqual(['Acme']);
    expect($('#a del')).toBeNull();
    expect($('#b .dc-s').classList.contains('dc-x')).toBe(false);
    expect(texts('#b h2')).toEqual(['Yours']);
    expect($$('#b li')).toHaveLength(2);
    expect($('#b .dc-b')).toBeNull();
    expect(warns).toEqual([]);
  });

  it('gives a slider labelled previous/next buttons and a focusable list', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-products="related" data-dc-layout="slider"></div>');
    f.answer({ related_product_skus: [P('1'), P('2')] });
    const buttons = $$('.dc-h button');
    expect(buttons.map((b) => [b.getAttribute('type'), b.getAttribute('aria-label')])).toEqual([['button', 'Previous'], ['button', 'Next']]);
    expect($('.dc-l').tabIndex).toBe(0);
    expect($('.dc-l').getAttribute('aria-label')).toBe('Recommended for you');
  });

  it('warns once for a placeholder with bad attributes, hides it, and draws the others', () => {
    const f = mount(
      { page_type: 'home' },
      '<div id="bad" data-dc-products="bogus" data-dc-layout="carousel"></div><div id="bad2" data-dc-products="related" data-dc-layout="carousel" data-dc-limit="x"></div><div id="ok" data-dc-products="related"></div>',
    );
    f.answer({ related_product_skus: [P('1')] });
    expect($('#bad').classList.contains('dc-e')).toBe(true);
    expect($$('#ok li')).toHaveLength(1);
    // A bad layout or limit falls back to the defaults: a grid of up to 8.
    expect($$('#bad2 li')).toHaveLength(1);
    expect($('#bad2 .dc-s').classList.contains('dc-x')).toBe(false);
    expect(warns).toHaveLength(2);
    expect(warns[0]).toContain('data-dc-products="bogus"');
    expect(warns[1]).toContain('data-dc-layout="carousel"');
  });

  it('keeps a placeholder reserved until the answer, then hides it when every section is empty', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-products></div>');
    expect($('[data-dc-products]').classList.contains('dc-e')).toBe(false);
    f.answer({ related_product_skus: null, recent_product_skus: [] });
    expect($('[data-dc-products]').classList.contains('dc-e')).toBe(true);
    expect($('[data-dc-products]').children).toHaveLength(0);
  });

  it('hides an empty placeholder at once on a page whose view has no answer', () => {
    mount({ page_type: 'cart' }, '<div data-dc-products></div>');
    expect($('[data-dc-products]').classList.contains('dc-e')).toBe(true);
  });

  it('survives answers of the wrong shape', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-products></div><div data-dc-banners></div>');
    for (const a of [null, 'x', 42, { related_product_skus: 'x', main_banners: {} }, { related_product_skus: [null, 'x', { name: 'no id' }, 7] }])
      expect(() => f.answer(a)).not.toThrow();
    expect($$('li')).toHaveLength(0);
  });

  it('shows top products on category pages and the categories section on home', () => {
    const a = { top_product_skus: [P('t')], categories_product_skus: [P('c')], related_product_skus: [P('r')] };
    const f = mount({ page_type: 'home' }, '<div data-dc-products></div>');
    f.answer(a);
    expect(texts('h2')).toEqual(['Recommended for you', 'From your categories']);
    const g = mount({ page_type: 'category', category_id: 'c1', category_update: { name: 'Sofas' } }, '<div data-dc-products></div>');
    g.answer(a);
    expect(texts('h2')).toEqual(['Recommended for you', 'Top products']);
  });
});

describe('safety', () => {
  it('renders a product name holding HTML as text', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-products="related"></div>');
    f.answer({ related_product_skus: [P('1', { name: '<img src=x onerror=alert(1)>', brand: '<b>x</b>' })], main_banners: [] });
    expect($('.dc-n').textContent).toBe('<img src=x onerror=alert(1)>');
    expect($$('img').map((i) => i.getAttribute('src'))).toEqual(['http://localhost:3000/p/1.jpg']);
  });

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', ' java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x'])(
    'drops the link and the image %j',
    (bad) => {
      const f = mount({ page_type: 'home' }, '<div data-dc-products="related"></div><div data-dc-banners></div>');
      f.answer({ related_product_skus: [P('1', { link: bad, photo_url: bad })], main_banners: [{ banner_id: 'b', photo_url: '/b.jpg', link: bad }] });
      expect($('.dc-c').tagName).toBe('DIV');
      expect($('.dc-c').hasAttribute('href')).toBe(false);
      expect($('.dc-c .dc-i').tagName).toBe('SPAN');
      expect($('.dc-n').textContent).toBe('Product 1');
      expect($('.dc-bn').tagName).toBe('DIV');
      expect($$('[href]')).toHaveLength(0);
    },
  );

  it('keeps http(s) and relative links', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-products="related"></div>');
    f.answer({ related_product_skus: [P('1', { link: 'https://shop.example/a' }), P('2', { link: 'b?x=1' }), P('3', { link: '//cdn.example/c' })] });
    expect($$('a.dc-c').map((a) => a.getAttribute('href'))).toEqual(['https://shop.example/a', 'http://localhost:3000/b?x=1', 'http://cdn.example/c']);
  });

  it('adds one stylesheet, with the config nonce, and sets no style attribute', () => {
    const f = mount({ page_type: 'home', style_nonce: 'n0nce', widget_layout: 'slider' }, '<div data-dc-products="related"></div><div data-dc-banners data-dc-static-img="/s.jpg"></div>');
    f.answer({ related_product_skus: [P('1')], main_banners: [{ banner_id: 'b', photo_url: '/b.jpg', link: '/b' }] });
    const styles = $$('style');
    expect(styles).toHaveLength(1);
    expect((styles[0] as HTMLStyleElement).nonce).toBe('n0nce');
    expect(styles[0].textContent).toMatch(/^@layer shoptrack\{/);
    expect($$('[style]')).toHaveLength(0);
  });
});

describe('a page without placeholders', () => {
  it('gets no stylesheet and no price formatter, before or after the answer', async () => {
    // The earlier tests' formatters, warmed in timers of their own, are made before the spy is set: a
    // timer of the same delay set now fires after theirs.
    await new Promise((r) => setTimeout(r, 0));
    const nf = vi.spyOn(Intl, 'NumberFormat');
    // This page's timers are the test's: every one the widgets set (a formatter's warm-up) is run below.
    vi.useFakeTimers();
    try {
      const f = mount({ page_type: 'home', currency: 'EUR' }, '<main><h1>Shop</h1></main>');
      f.answer({ related_product_skus: [P('1')], main_banners: [{ banner_id: 'b', photo_url: '/b.jpg' }] });
      await vi.runAllTimersAsync();
      expect(document.adoptedStyleSheets).toHaveLength(0);
      expect($$('style')).toHaveLength(0);
      expect(nf).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
      nf.mockRestore();
    }
  });

  it('gets the stylesheet once, with the first placeholder the answer finds', () => {
    const f = mount({ page_type: 'home' }, '');
    expect(document.adoptedStyleSheets).toHaveLength(0);
    document.body.innerHTML = '<div data-dc-products="related"></div>';
    f.answer({ related_product_skus: [P('1')] });
    f.answer({ related_product_skus: [P('2')] });
    expect(document.adoptedStyleSheets).toHaveLength(1);
    expect(texts('.dc-n')).toEqual(['Product 2']);
  });
});

describe('banners', () => {
  it('shows the static banner before the answer, and keeps it beside the first main banner and the first sub banner', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-banners data-dc-static-img="/static.jpg" data-dc-static-link="/sale"></div>');
    expect($$('.dc-bn').map((a) => [a.className, a.getAttribute('href'), a.querySelector('img')!.getAttribute('src')])).toEqual([
      ['dc-bn dc-bt', 'http://localhost:3000/sale', 'http://localhost:3000/static.jpg'],
    ]);
    // The personalised row keeps its space while the answer is awaited.
    expect($('[data-dc-banners]').classList.contains('dc-b1')).toBe(false);
    f.answer({
      main_banners: [{ banner_id: 'B1', photo_url: '/banners/bathroom/bathroom-min.jpeg', link: '/category/bathroom', name: 'Bathroom' }],
      sub_banners: [1, 2].map((i) => ({ banner_id: 'S' + i, photo_url: '/s' + i + '.jpg', link: '/s' + i, name: '' })),
    });
    // seeds/001: the static banner "shows up for everyone", personalised banners or not.
    expect($$('.dc-bn').map((a) => a.className)).toEqual(['dc-bn dc-bt', 'dc-bn dc-bm', 'dc-bn dc-bs']);
    expect($('.dc-bt img').getAttribute('src')).toBe('http://localhost:3000/static.jpg');
    expect($('.dc-bm img').getAttribute('alt')).toBe('Bathroom');
    expect($('[data-dc-banners]').classList.contains('dc-b1')).toBe(false);
    $('.dc-bs').click();
    $('.dc-bt').click();
    expect(f.tracked).toEqual([
      [{ type: 'click', subtype: 'banner', banner_id: 'S1' }, true],
      [{ type: 'click', subtype: 'banner', banner_id: 'static' }, true],
    ]);
  });

  it('closes the personalised row when the answer has no banner for the shopper; the static banner stays', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-banners data-dc-static-img="/static.jpg" data-dc-static-link="/sale"></div>');
    f.answer({ main_banners: [], sub_banners: null });
    expect($$('.dc-bn').map((a) => a.className)).toEqual(['dc-bn dc-bt']);
    expect($('[data-dc-banners]').classList.contains('dc-b1')).toBe(true);
    expect($('[data-dc-banners]').classList.contains('dc-e')).toBe(false);
  });

  it('fills custom layouts by their 1-based banner index and warns about a bad index', () => {
    const f = mount(
      { page_type: 'home' },
      '<div data-dc-banners><div id="m2" data-dc-main-insert-banner="2"></div><div id="s1" data-dc-sub-insert-banner="1"></div><div id="x" data-dc-sub-insert-banner="0"></div><div id="s9" data-dc-sub-insert-banner="9"></div></div>',
    );
    f.answer({
      main_banners: [1, 2].map((i) => ({ banner_id: 'M' + i, photo_url: '/m' + i + '.jpg', link: '/m' + i })),
      sub_banners: [{ banner_id: 'S1', photo_url: '/s1.jpg', link: '/s1' }],
    });
    expect($('#m2 img').getAttribute('src')).toBe('http://localhost:3000/m2.jpg');
    expect($('#s1 .dc-bs')).not.toBeNull();
    expect($('#x').children).toHaveLength(0);
    expect($('#s9').children).toHaveLength(0);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toContain('data-dc-sub-insert-banner="0"');
  });

  it('hides a banner placeholder with nothing to show once the answer is in', () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-banners></div>');
    expect($('[data-dc-banners]').classList.contains('dc-e')).toBe(false);
    f.answer({ main_banners: [], sub_banners: null });
    expect($('[data-dc-banners]').classList.contains('dc-e')).toBe(true);
  });
});

describe('clicks', () => {
  it("tracks DataCue's click event, deferred, with the section as subtype", () => {
    const f = mount({ page_type: 'home' }, '<div data-dc-products></div>');
    f.answer({ related_product_skus: [P('1')], categories_product_skus: [P('2')], recent_product_skus: [P('3')] });
    for (const a of $$('.dc-c')) a.click();
    expect(f.tracked).toEqual([
      [{ type: 'click', subtype: 'related', product_id: '1', source: 'datacue' }, true],
      [{ type: 'click', subtype: 'product', product_id: '2', source: 'datacue' }, true],
      [{ type: 'click', subtype: 'recent', product_id: '3', source: 'datacue' }, true],
    ]);
  });
});

describe('navigation', () => {
  it('follows a plain click on a recommendation once its deferred click is written; leaves modified clicks alone', async () => {
    const assign = vi.spyOn(location, 'assign').mockImplementation(() => {});
    const f = mount({ page_type: 'home' }, '<div data-dc-products="related"></div>');
    f.answer({ related_product_skus: [P('1')] });
    // The test's clock: WRITE_WAIT_MS, after which a click navigates unwritten, never passes by itself.
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    let release = () => {};
    (f.t as { track: unknown }).track = () => new Promise<void>((r) => (release = r));
    const seen: boolean[] = [];
    // After the widget's own handler: what it decided, then no navigation by happy-dom itself.
    document.addEventListener('click', (e) => (seen.push(e.defaultPrevented), e.preventDefault()));
    $('.dc-c').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
    $('.dc-c').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(seen).toEqual([false, true]);
    // Every timer and promise due before WRITE_WAIT_MS has run, and the write is still pending.
    await vi.advanceTimersByTimeAsync(WRITE_WAIT_MS - 1);
    expect(assign).not.toHaveBeenCalled();
    // The write ends; the clock stays short of WRITE_WAIT_MS, so the write is what lets the link go.
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(assign).toHaveBeenCalledTimes(1);
    expect(assign).toHaveBeenCalledWith('http://localhost:3000/product/1');
    assign.mockRestore();
  });
});

describe('recently viewed', () => {
  const page = (id: string, extra: Dict = {}) => ({ page_type: 'product', product_id: id, product_update: [{ product_id: id, variant_id: 'v', name: 'Name ' + id, price: '9.50', link: '/product/' + id, description: 'long text', ...extra }] });

  it('remembers the product of a product page and shows it on the next page before any answer', () => {
    mount(page('A'), '<div data-dc-products="recent"></div>');
    expect(JSON.parse(localStorage.getItem(RECENT_KEY)!)).toEqual([{ product_id: 'A', name: 'Name A', price: '9.50', link: '/product/A' }]);
    // The product on view is not in its own page's list.
    expect($$('li')).toHaveLength(0);
    mount(page('B'), '<div data-dc-products="recent"></div>');
    expect(texts('.dc-n')).toEqual(['Name A']);
    mount({ page_type: 'cart' }, '<div data-dc-products></div>');
    expect(texts('h2')).toEqual(['Recently viewed']);
    expect(texts('.dc-n')).toEqual(['Name B', 'Name A']);
  });

  it('keeps the list bounded, newest first, each product once', () => {
    for (let i = 0; i < RECENT_KEPT + 5; i++) mount(page('P' + i), '');
    mount(page('P3'), '');
    const ids = JSON.parse(localStorage.getItem(RECENT_KEY)!).map((p: { product_id: string }) => p.product_id);
    expect(ids).toHaveLength(RECENT_KEPT);
    expect(ids.slice(0, 3)).toEqual(['P3', 'P16', 'P15']);
    expect(new Set(ids).size).toBe(RECENT_KEPT);
  });

  it("gives way to DataCue's recent list once it has items, and stays when DataCue's is empty", () => {
    mount(page('A'), '');
    const f = mount({ page_type: 'home' }, '<div data-dc-products="recent"></div>');
    f.answer({ recent_product_skus: [] });
    expect(texts('.dc-n')).toEqual(['Name A']);
    f.answer({ recent_product_skus: [P('18', { name: 'Luxury Double Bed' })] });
    expect(texts('.dc-n')).toEqual(['Luxury Double Bed']);
  });

  it('stores nothing while consent is not granted', () => {
    mount({ ...page('A'), consent: 'pending' }, '');
    expect(localStorage.getItem(RECENT_KEY)).toBeNull();
  });

  it('ignores a corrupt stored list', () => {
    localStorage.setItem(RECENT_KEY, '{not json');
    mount({ page_type: 'cart' }, '<div data-dc-products></div>');
    expect($('[data-dc-products]').classList.contains('dc-e')).toBe(true);
  });
});

describe('vendor placements', () => {
  const stubFetch = (body: unknown) => {
    const urls: string[] = [];
    relayGet.mockImplementation(async (u: string) => (urls.push(u), { status: 200, body: JSON.stringify(body) }));
    return urls;
  };
  /** Until the relay's (stubbed) answer has been drawn: the check passes, or fails after a generous wait. */
  const drawn = (check: () => void) => vi.waitFor(check, { timeout: 4_000 });

  it('asks the relay for a Quarticon placement and tracks clicks with the trackingString', async () => {
    const urls = stubFetch({ status: 'OK', timestamp: 1, data: [{ id: 'Q1', title: 'Lamp', image: '/q1.jpg', url: '/product/Q1', price: '19.90', priceOld: '25.00', trackingString: 'ts-1' }] });
    const f = mount({ ...PRODUCT_PAGE, user_id: 'ann@example.com', category_id: 'c 1', relay_url: '/relay/', currency: 'USD', locale: 'en-US' }, '<div data-qc-placement="frame_1" data-dc-title="Picks"></div>');
    await drawn(() => expect($$('.dc-c')).toHaveLength(1));
    expect(urls).toEqual(['/relay/recs/quarticon?placementId=frame_1&cookie=anon-1&filterProduct=P0&filterCategory=c+1']);
    expect(texts('h2')).toEqual(['Picks']);
    expect(texts('.dc-p')).toEqual(['$19.90$25.00']);
    $('.dc-c').click();
    expect(f.tracked).toEqual([[{ type: 'click', subtype: 'product', product_id: 'Q1', source: 'quarticon', tracking_string: 'ts-1' }, true]]);
  });

  it('asks the relay for Aqurate recommendations of the product on view', async () => {
    const urls = stubFetch({ items: [{ product_id: 'A1', name: 'Mug', price: 4, photo_url: '/a1.jpg', link: '/product/A1' }] });
    const f = mount({ ...PRODUCT_PAGE, relay_url: 'https://shop.example/relay' }, '<div data-aq-recs="cross-sell"></div>');
    await drawn(() => expect($$('.dc-c')).toHaveLength(1));
    expect(urls).toEqual(['https://shop.example/relay/recs/aqurate/cross-sell?product_id=P0']);
    $('.dc-c').click();
    expect(f.tracked).toEqual([[{ type: 'click', subtype: 'product', product_id: 'A1', source: 'aqurate' }, true]]);
  });

  it('hides placements the relay answers nothing for, or that cannot be asked', async () => {
    stubFetch({ status: 'ERROR', data: { error_code: 1 } });
    mount({ ...PRODUCT_PAGE, relay_url: '/relay' }, '<div id="q" data-qc-placement="f1"></div><div id="a" data-aq-recs="bogus"></div><div id="b" data-qc-placement="a b"></div>');
    await drawn(() => expect($$('.dc-e').map((e) => e.id)).toEqual(['q', 'a', 'b']));
    expect(warns).toHaveLength(2);
    warns.length = 0;
    mount({ page_type: 'home' }, '<div data-qc-placement="f1"></div>');
    expect($('[data-qc-placement]').classList.contains('dc-e')).toBe(true);
    expect(warns).toHaveLength(1);
  });

  it('hides a placement whose request fails', async () => {
    // The transport's answer to a network error: status 0, no body.
    relayGet.mockImplementation(async () => ({ status: 0 }));
    mount({ ...PRODUCT_PAGE, relay_url: '/relay' }, '<div data-aq-recs="upsell"></div>');
    await drawn(() => expect($('[data-aq-recs]').classList.contains('dc-e')).toBe(true));
  });
});
