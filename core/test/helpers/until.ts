/**
 * Resolves once `condition` holds, checked on every event-loop turn (so I/O is polled between
 * checks); rejects after 10 s. For effects a test cannot await directly, such as a request the
 * server has received.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 10 s`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
