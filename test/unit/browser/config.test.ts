import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageConfig, readConfig } from '../../../src/browser/config';
import { pageEvents } from '../../../src/browser/page';
import { validateEvent, type ShoptrackError } from '../../../src/events/validate';

// Copied into the repository (test/fixtures/README.md): a clone's tests read nothing outside it.
const FIXTURES = join(__dirname, '../../fixtures/datacue-config');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
const read = (raw: unknown) => {
  const warnings: string[] = [];
  const cfg = readConfig(raw, (e: ShoptrackError) => warnings.push(e.message));
  return { cfg, warnings };
};

describe('readConfig with what DataCue\'s plugins print', () => {
  it('has every fixture', () => expect(fixtures.length).toBeGreaterThanOrEqual(9));

  it.each(fixtures)('accepts %s unchanged, without a warning, and its page events are valid', (file) => {
    const { config } = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
    const { cfg, warnings } = read(config);
    expect(warnings).toEqual([]);
    expect(cfg.pageType).toBe(config.page_type);
    for (const e of pageEvents(cfg)) expect(() => validateEvent(e)).not.toThrow();
  });

  it('reads a bare-number user id as a string and "" or null as a guest', () => {
    expect(read({ api_key: 'k', user_id: 1207 }).cfg.userId).toBe('1207');
    expect(read({ api_key: 'k', user_id: '' }).cfg.userId).toBeNull();
    expect(read({ api_key: 'k', user_id: null }).cfg.userId).toBeNull();
  });

  it('takes product_update as an array of variants or a single object', () => {
    const one = read({ api_key: 'k', page_type: 'product', product_id: 'p', product_update: { name: 'A', price: 1 } }).cfg;
    expect(one.productUpdate).toEqual([{ name: 'A', price: 1 }]);
    const many = read({ api_key: 'k', page_type: 'product', product_update: [{ product_id: '3310', variant_id: '3311' }, { product_id: '3310', variant_id: '3312' }] }).cfg;
    expect(many.productId).toBe('3310');
    expect(many.variantId).toBe('3311');
    // The variants go with the view as product_update (issue 9, item 6).
    expect(pageEvents(many)).toEqual([
      {
        type: 'pageview',
        subtype: 'product',
        product_id: '3310',
        variant_id: '3311',
        product_update: [
          { product_id: '3310', variant_id: '3311' },
          { product_id: '3310', variant_id: '3312' },
        ],
      },
    ]);
  });

  it('names a category page by category_update.name, else category_name', () => {
    const m2 = read({ api_key: 'k', page_type: 'category', category_id: '41', category_update: { name: 'Outdoor', link: '/o' } }).cfg;
    expect(pageEvents(m2)).toEqual([{ type: 'pageview', subtype: 'category', category_name: 'Outdoor', category_id: '41' }]);
    const old = read({ api_key: 'k', page_type: 'category', category_name: 'living-room' }).cfg;
    expect(pageEvents(old)).toEqual([{ type: 'pageview', subtype: 'category', category_name: 'living-room' }]);
  });

  it('chooses the staging endpoint with options._staging, and an events_url over both', () => {
    expect(read({ api_key: 'k', options: { _staging: true } }).cfg.eventsUrl).toBe('https://staging-events.datacue.co/');
    expect(read({ api_key: 'k', options: { _staging: false } }).cfg.eventsUrl).toBe('https://events.datacue.co/');
    expect(read({ api_key: 'k', events_url: 'http://127.0.0.1:9/' }).cfg.eventsUrl).toBe('http://127.0.0.1:9/');
  });

  it('builds the order from the order confirmation page', () => {
    const { config } = JSON.parse(readFileSync(join(FIXTURES, 'order-confirmation-guest.json'), 'utf8'));
    const { cfg } = read(config);
    expect(cfg.userId).toBe('ana@example.com');
    expect(pageEvents(cfg)).toEqual([{
      type: 'order', subtype: 'completed', order_id: '10452', order_status: 'completed',
      cart: [{ product_id: '875', variant_id: 'no-variants', quantity: 2, unit_price: 12, currency: 'EUR' }],
    }]);
  });

  it('tracks a search page as DataCue\'s search event', () => {
    expect(pageEvents(read({ api_key: 'k', page_type: 'search', term: 'wool socks' }).cfg)).toEqual([{ type: 'search', term: 'wool socks' }]);
  });

  const bad: [string, object, string][] = [
    ['a missing api_key', { page_type: 'home' }, 'config.api_key: must be a non-empty string (the DataCue API key)'],
    ['an api_key that is a number', { api_key: 5 }, 'config.api_key: must be a non-empty string (the DataCue API key)'],
    ['an empty api_key', { api_key: '' }, 'config.api_key: must be a non-empty string (the DataCue API key)'],
    ['a category_update without a name', { api_key: 'k', category_update: { link: '/x' } }, 'config.category_update.name: must be a non-empty string'],
    ['options that are not an object', { api_key: 'k', options: 'staging' }, 'config.options: must be an object'],
    ['an unknown page_type', { api_key: 'k', page_type: 'blog' }, 'config.page_type: must be one of home, product'],
    ['a user_id object', { api_key: 'k', user_id: { id: 1 } }, 'config.user_id: must be a string or a number'],
    ['a product_update that is a string', { api_key: 'k', page_type: 'product', product_id: 'p', product_update: 'x' }, 'config.product_update: must be an object or an array of objects'],
    ['order_details without a cart', { api_key: 'k', page_type: 'order confirmation', order_id: '1', order_details: {} }, 'config.order_details.cart: must be an array of cart items'],
    ['an events_url that is not http', { api_key: 'k', events_url: 'javascript:alert(1)' }, 'config.events_url: must be an http(s) URL or a /path'],
    ['an unknown consent', { api_key: 'k', consent: 'maybe' }, 'config.consent: must be one of pending, granted, denied'],
  ];
  it.each(bad)('warns once about %s and keeps the rest', (_, raw, message) => {
    const { cfg, warnings } = read({ cookie_domain: '.s.example', ...raw });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(message);
    expect(cfg.cookieDomain).toBe('.s.example');
  });

  it('lays shoptrackConfig over datacueConfig', () => {
    expect(pageConfig({ datacueConfig: { api_key: 'a', page_type: 'home' }, shoptrackConfig: { relay_url: '/relay' } }))
      .toEqual({ api_key: 'a', page_type: 'home', relay_url: '/relay' });
    expect(pageConfig({ datacueConfig: { api_key: 'a' } })).toEqual({ api_key: 'a' });
  });
});
