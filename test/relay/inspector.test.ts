// The demo's inspector (issue 9, item 15): every row names what its request carried (the event types, a
// table's rows, or the query of a GET, never "undefined" or "?"), and the rows filter by vendor.
import { request } from 'node:http';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INSPECTOR_HTML, carries } from '../../demo/inspector';
import { type Demo, startDemo } from '../../demo/server';
import { QUARTICON_DEMO_CUSTOMER, QUARTICON_DEMO_KEY } from '../../demo/standins/quarticon';
import { AQURATE_DEMO_TOKEN } from '../../demo/standins/aqurate';

describe('carries', () => {
  const ROWS: [string, { method: string; path: string; body: unknown }, string][] = [
    ['a Quarticon recommendation request', { method: 'GET', path: '/recommendation?customer=demo-shop&placementId=home_1&cookie=a1', body: undefined }, 'recommendations /recommendation: customer=demo-shop placementId=home_1 cookie=a1'],
    ['an Aqurate recommendation request', { method: 'GET', path: '/recommendations/items/upsell?product_id=7', body: undefined }, 'recommendations /recommendations/items/upsell: product_id=7'],
    [
      'a DataCue batch',
      { method: 'POST', path: '/v1/events', body: [{ event: { type: 'pageview', subtype: 'product' } }, { event: { type: 'pageview', subtype: 'product' } }, { event: { type: 'cart', subtype: 'update' } }] },
      'pageview/product ×2, cart/update',
    ],
    ['one DataCue event', { method: 'POST', path: '/v1/events', body: { event: { type: 'identify' } } }, 'identify'],
    ['a Quarticon event', { method: 'POST', path: '/track/event', body: { eventType: 'eventProductView', productId: '101' } }, 'eventProductView 101'],
    [
      'Aqurate website_events rows',
      { method: 'POST', path: '/input/website_events', body: [{ event: 'page_view', page_type: 'detail_page' }, { event: 'purchase', page_type: 'checkout' }] },
      'page_view (detail_page), purchase (checkout)',
    ],
    ['an Aqurate table push', { method: 'POST', path: '/input/orders', body: [{ order_id: '1' }, { order_id: '2' }] }, '/input/orders: 2 records'],
    ['a DataCue backend batch', { method: 'POST', path: '/v1/batch/products', body: { type: 'products', batch: [{ product_id: '1' }, { product_id: '2' }] } }, '/v1/batch/products: 2 records'],
    ['one DataCue backend record', { method: 'POST', path: '/v1/products', body: { product_id: 'P7', name: 'Lamp' } }, '/v1/products: record P7'],
    ['a Shoptimiza sales file', { method: 'POST', path: '/k/sales-file', body: '{"key":"1"}\n{"key":"2"}\n' }, '/k/sales-file: 2 lines'],
  ];
  it.each(ROWS)('names what %s carries', (_name, r, expected) => expect(carries(r)).toBe(expected));
});

/** Node's own HTTP client: happy-dom's fetch would apply a page's CORS rules to the test's requests. */
function http(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method || 'GET', headers: init.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('the inspector page', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo();
    // What the relay sends: a Quarticon recommendation request and event, and Aqurate rows.
    const q = demo.standIns.quarticon.url.replace(/\/$/, '');
    await http(q + '/recommendation?customer=' + QUARTICON_DEMO_CUSTOMER + '&placementId=home_1&cookie=c1', { headers: { 'x-api-key': QUARTICON_DEMO_KEY } });
    await http(q + '/track/event', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': QUARTICON_DEMO_KEY },
      body: JSON.stringify({ customer: QUARTICON_DEMO_CUSTOMER, eventType: 'eventProductView', productId: '101', timestamp: 1 }),
    });
    await http(demo.standIns.aqurate.url.replace(/\/$/, '') + '/input/website_events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': AQURATE_DEMO_TOKEN },
      body: JSON.stringify([{ timestamp: '2026-11-30T12:00:00Z', session_id: 's', cookie_id: 'c', product_id: '101', page_type: 'detail_page', event: 'page_view' }]),
    });
  });
  afterAll(() => demo.close());

  it('shows what each request carried, and only the chosen vendor\'s rows', async () => {
    const data = JSON.parse(await http(demo.url + '/inspector/events.json'));
    const script = INSPECTOR_HTML.match(/<script>([\s\S]*)<\/script>/)![1];
    // A page of its own (happy-dom), so the demo's relay in this process keeps Node's fetch.
    const window = new Window({ url: demo.url + '/inspector' });
    const document = window.document;
    document.body.innerHTML = INSPECTOR_HTML.match(/<body>([\s\S]*)<script>/)![1];
    // The page's own script, with its poll answered from the demo's events.json once.
    let polled = 0;
    const fakeFetch = async () => ({ json: async () => (polled++ ? new Promise(() => {}) : data) });
    new Function('fetch', 'setTimeout', 'document', script)(fakeFetch, () => 0, document);
    // Drawn once the page has read its poll's answer.
    await vi.waitFor(() => expect(document.querySelectorAll('#rows tr').length).toBe(data.received.length), { timeout: 10_000 });
    const rows = [...document.querySelectorAll('#rows tr')];
    const text = rows.map((r) => r.querySelector('.carries')!.textContent!);
    for (const t of text) expect(t).not.toMatch(/undefined|^\?|, \?/);
    expect(text).toContain('page_view (detail_page)POST /input/website_events');
    expect(text).toContain('eventProductView 101POST /track/event');
    expect(text).toContain(
      'recommendations /recommendation: customer=demo-shop placementId=home_1 cookie=c1GET /recommendation?customer=demo-shop&placementId=home_1&cookie=c1',
    );
    const vendor = document.getElementById('vendor') as unknown as HTMLSelectElement;
    expect([...vendor.options].map((o) => o.value)).toContain('aqurate');
    vendor.value = 'aqurate';
    vendor.dispatchEvent(new window.Event('change', { bubbles: true }) as unknown as Event);
    const aqurate = data.received.filter((r: { standIn: string }) => r.standIn == 'aqurate').length;
    const shown = [...document.querySelectorAll('#rows tr')].map((r) => r.getAttribute('data-vendor'));
    expect(shown.length).toBe(aqurate);
    expect(new Set(shown)).toEqual(new Set(['aqurate']));
    expect(document.getElementById('count')!.textContent).toBe(aqurate + ' of ' + data.received.length + ' requests');
  });
});
