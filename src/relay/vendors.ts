// The vendors the relay knows: adding one is a module (src/relay/<vendor>.ts, its pure mapper in
// src/vendors/), its tests and stand-in, and a line here. Nothing else in the relay names a vendor.
import { type AqurateConfig, aqurateModule } from './aqurate';
import { type DataCueConfig, datacueModule } from './datacue';
import { type EngageConfig, engageModule } from './engage';
import { type QuarticonConfig, quarticonModule } from './quarticon';
import { type ShoptimizaConfig, shoptimizaModule } from './shoptimiza';
import type { VendorModule } from './vendor';

/** Every vendor's config keys. */
export type VendorConfig = QuarticonConfig & AqurateConfig & DataCueConfig & EngageConfig & ShoptimizaConfig;

export const VENDORS: readonly VendorModule<VendorConfig>[] = [quarticonModule, aqurateModule, datacueModule, engageModule, shoptimizaModule];
