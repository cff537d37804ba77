// The demo shop's own page script (served as /demo.js): what a shop theme does with DataCue's global,
// cart and wishlist buttons, login, click tracking. Plain ES5-ish JS, as a theme would ship it.
export const CLIENT_JS = String.raw`(function () {
  var dc = window.datacue;
  function readCart() {
    var m = /(?:^|; )demo_cart=([^;]*)/.exec(document.cookie);
    try { return m ? JSON.parse(decodeURIComponent(m[1])) : []; } catch (e) { return []; }
  }
  function writeCart(cart) {
    document.cookie = 'demo_cart=' + encodeURIComponent(JSON.stringify(cart)) + ';path=/;samesite=lax';
    var badge = document.querySelector('[data-cart-count]');
    if (badge) badge.textContent = cart.reduce(function (n, i) { return n + i.quantity; }, 0);
  }
  function trackCart(cart) {
    return dc.track({ type: 'cart', subtype: 'update', cart: cart, cart_link: location.origin + '/cart' });
  }
  function wishlist() {
    try { return JSON.parse(localStorage.getItem('demo_wishlist') || '[]'); } catch (e) { return []; }
  }
  function showWish(btn, on) {
    btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    btn.textContent = on ? '♥ In wishlist' : '♡ Wishlist';
  }
  var variantSelect = document.querySelector('[data-variant-select]');
  function variantOf(btn) {
    return variantSelect ? variantSelect.value : btn.getAttribute('data-variant');
  }
  var wl = wishlist();
  document.querySelectorAll('[data-wish]').forEach(function (b) { showWish(b, wl.indexOf(b.getAttribute('data-wish')) >= 0); });

  document.addEventListener('click', function (ev) {
    var t = ev.target.closest('[data-add],[data-remove],[data-wish],[data-login],[data-logout],[data-click-product],[data-click-banner]');
    if (!t) return;
    if (t.hasAttribute('data-add')) {
      var cart = readCart(), id = t.getAttribute('data-add'), variant = variantOf(t), line = null;
      cart.forEach(function (i) { if (i.product_id == id && i.variant_id == variant) line = i; });
      if (line) line.quantity++;
      else cart.push({ product_id: id, variant_id: variant, quantity: 1, unit_price: +t.getAttribute('data-price'), currency: 'EUR' });
      writeCart(cart);
      trackCart(cart);
      t.textContent = 'Added ✓';
    } else if (t.hasAttribute('data-remove')) {
      var i = +t.getAttribute('data-remove'), c = readCart();
      c.splice(i, 1);
      writeCart(c);
      trackCart(c).finally(function () { location.reload(); });
    } else if (t.hasAttribute('data-wish')) {
      var pid = t.getAttribute('data-wish'), list = wishlist(), on = list.indexOf(pid) < 0;
      list = on ? list.concat(pid) : list.filter(function (x) { return x != pid; });
      localStorage.setItem('demo_wishlist', JSON.stringify(list));
      showWish(t, on);
      dc.track({ type: 'wishlist', subtype: on ? 'add' : 'remove', product_id: pid, variant_id: variantOf(t) });
    } else if (t.hasAttribute('data-login')) {
      ev.preventDefault();
      document.cookie = 'demo_user=42;path=/;samesite=lax';
      dc.identify(42, { segment: 'demo' });
      dc.track({ type: 'login' }).finally(function () { location.reload(); });
    } else if (t.hasAttribute('data-logout')) {
      ev.preventDefault();
      document.cookie = 'demo_user=;path=/;max-age=0';
      dc.identify(null);
      location.reload();
    } else if (t.hasAttribute('data-click-product')) {
      // The link navigates away at once: the click waits in the outbox for the next page (seeds/001).
      dc.track({ type: 'click', subtype: 'product', product_id: t.getAttribute('data-click-product') }, true);
    } else {
      dc.track({ type: 'click', subtype: 'banner', banner_id: t.getAttribute('data-click-banner') }, true);
    }
  });
})();
`;
