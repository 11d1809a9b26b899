/**
 * Retries an assertion until it passes or the timeout expires, then rethrows its last failure.
 * Use it for asynchronous outcomes (projections, consumers) instead of sleeping.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      if (lastError instanceof Error) lastError.message = `eventually() gave up after ${timeoutMs} ms: ${lastError.message}`;
      throw lastError;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
