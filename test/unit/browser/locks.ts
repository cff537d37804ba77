// Test helper: the lock the shop's tabs share (Web Locks in a browser), for outboxes of several tabs.

/** One holder at a time, the rest queue in order. */
export function sharedLock() {
  let tail = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.then(
      () => {},
      () => {},
    );
    return run;
  };
}
