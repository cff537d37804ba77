// What the benchmark page gives a peer's entry (the collector's origin) and takes from it (one track call).
export interface BenchWindow {
  benchCollector: string;
  benchTrack?: (i: number) => unknown;
}

export const benchWindow = (): BenchWindow => window as unknown as BenchWindow;
