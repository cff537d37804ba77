// A guarded call: storage, consoles, a page's hooks and the browser's own APIs may throw; the page comes
// first, so such a call gives undefined instead.
export const attempt = <T>(fn: () => T): T | undefined => {
  try {
    return fn();
  } catch {
    // Ignored, as said.
  }
};
