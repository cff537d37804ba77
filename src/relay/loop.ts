// One vendor's send loop, shared by the event forwarder (forward.ts) and the sync engine (sync.ts): it runs
// `once` until that finds nothing to send, never two runs at a time, and sleeps until it is woken or until
// the time `schedule` asked for.

export interface SendLoop {
  /** Something may be due now: run, or run again once the current run ends. */
  wake(): void;
  /** Wake at `at` (ms since the epoch), replacing an earlier wake-up time. */
  schedule(at: number): void;
  /** Cancels the wake-up and waits for the run in flight. */
  stop(): Promise<void>;
}

export interface SendLoopOptions {
  /** One round of work; true when it sent something and should run again at once. */
  once: () => Promise<boolean>;
  stopped: () => boolean;
  now: () => number;
  /** Called when a round throws; the loop tries again `errorRetryMs` later. */
  onError: (err: unknown) => void;
  errorRetryMs: number;
}

export function sendLoop(opts: SendLoopOptions): SendLoop {
  const { once, stopped, now } = opts;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const run = async () => {
    do {
      again = false;
      while (!stopped() && (await once()));
    } while (again && !stopped());
  };

  function schedule(at: number) {
    if (stopped()) return;
    clearTimeout(timer);
    timer = setTimeout(wake, Math.max(0, at - now()));
    // An embedding server decides when the process ends; a waiting retry does not hold it open.
    timer.unref();
  }

  function wake() {
    if (stopped()) return;
    if (running) {
      again = true;
      return;
    }
    running = run()
      .catch((err) => {
        opts.onError(err);
        schedule(now() + opts.errorRetryMs);
      })
      .finally(() => {
        running = undefined;
        // A wake between the loop's last look at the queue and this point found it still running: run again.
        if (again) wake();
      });
  }

  return {
    wake,
    schedule,
    stop: async () => {
      clearTimeout(timer);
      await running;
    },
  };
}
