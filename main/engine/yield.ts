// Long jobs (imports, exports, bulk updates) share the one thread with the sender, the tray and
// the window: between chunks they give the event loop a turn, so timers and requests still run.

/** Resolves after every I/O callback and timer already due has had its turn (setImmediate). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
