// Test helper: the lock the shop's tabs share (Web Locks in a browser), for outboxes of several tabs.

/** One holder at a time, the rest queue in order; `busy` is called for a caller that has to wait. */
export function sharedLock() {
  let tail = Promise.resolve();
  let queued = 0;
  return <T>(fn: () => Promise<T>, busy?: () => void): Promise<T> => {
    if (queued++) busy?.();
    const run = tail.then(fn).finally(() => queued--);
    tail = run.then(
      () => {},
      () => {},
    );
    return run;
  };
}
