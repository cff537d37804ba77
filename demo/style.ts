// The storefront's stylesheet, inlined in every page: one request fewer, and nothing to serve.
export const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#222;background:#faf8f5}
a{color:#2b5d8c}header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.8rem 1.5rem;background:#fff;border-bottom:1px solid #e5e0d8}
.logo{font-weight:800;font-size:1.3rem;text-decoration:none;color:#a0522d}nav{display:flex;gap:1rem}nav a{text-decoration:none}
header form{display:flex;gap:.3rem}.me{margin-left:auto;display:flex;gap:.8rem;align-items:center}
input,select{padding:.4rem;border:1px solid #ccc;border-radius:4px}
button,.button{padding:.45rem .8rem;border:0;border-radius:4px;background:#a0522d;color:#fff;cursor:pointer;text-decoration:none;font:inherit}
button:disabled{background:#bbb;cursor:default}button.wish{background:#fff;color:#a0522d;border:1px solid #a0522d}
main{max-width:1100px;margin:0 auto;padding:1.5rem}footer{text-align:center;color:#888;padding:2rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:1.2rem}
.card{background:#fff;border-radius:8px;padding:.8rem;box-shadow:0 1px 3px #0001}.card img{width:100%;height:auto;border-radius:6px}
.card h3{font-size:1rem;margin:.4rem 0}.card a{text-decoration:none;color:inherit}.buttons{display:flex;gap:.4rem;flex-wrap:wrap}
.price{font-weight:700}.price s{color:#999;font-weight:400}.off{color:#c0392b}.muted{color:#888}
.promo{display:block;margin:1rem 0;padding:.8rem 1rem;border-radius:8px;background:#2f6b3a;color:#fff;font-weight:600;text-decoration:none}
.product{display:grid;grid-template-columns:minmax(0,400px) 1fr;gap:2rem}.product img{width:100%;height:auto;border-radius:8px}
.cart-table{border-collapse:collapse;min-width:60%}.cart-table td,.cart-table th{padding:.4rem .8rem;border-bottom:1px solid #e5e0d8;text-align:left}
.checkout{display:flex;gap:.6rem;align-items:end;margin-top:1rem}.crumbs{color:#888}.recs{margin-top:2rem}
`;
