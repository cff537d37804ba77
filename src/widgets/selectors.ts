// The placeholders the widgets fill: shared by the loader in the script tag (load.ts) and the widgets.
/** A custom banner layout's slots, anywhere on the page (banners.ts). */
export const SLOTS = '[data-dc-main-insert-banner],[data-dc-sub-insert-banner]';
/** Placeholders that show prices (products). */
export const PRICED = '[data-dc-products],[data-qc-placement],[data-aq-recs]';
/** Every placeholder. */
export const ANY = PRICED + ',[data-dc-banners],' + SLOTS;
