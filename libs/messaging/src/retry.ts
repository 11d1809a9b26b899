import { errors as natsErrors, RequestError } from '@nats-io/transport-node';
import { JetStreamApiError, JetStreamError } from '@nats-io/jetstream';

/** Bounded exponential backoff for publish retries. */
export type RetryOptions = {
  /** Total attempts, the first included (default 5). */
  attempts?: number;
  /** Delay before the second attempt (default 50 ms); doubles after each failure. */
  initialDelayMs?: number;
  /** Upper bound of one delay (default 2,000 ms). */
  maxDelayMs?: number;
};

export const DEFAULT_RETRY: Required<RetryOptions> = { attempts: 5, initialDelayMs: 50, maxDelayMs: 2_000 };

/**
 * The delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that many publishers failing together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** The nak delay of a failed delivery: `backoffMs[deliveryCount - 1]`, the last entry once past the end. */
export function nakDelay(deliveryCount: number, backoffMs: readonly number[]): number {
  if (backoffMs.length === 0) return 0;
  return backoffMs[Math.min(Math.max(deliveryCount, 1), backoffMs.length) - 1]!;
}

/**
 * Failures worth retrying: the request timed out (the server may be restarting or overloaded; the
 * retry is deduplicated by `Nats-Msg-Id` if the first attempt was stored after all), nobody answered
 * (the stream's leader is moving, or JetStream is starting), the connection dropped, or JetStream
 * said 503. A closed or draining connection, a bad request and limits (e.g. `discard: new` on a full
 * stream) are not transient.
 */
export function isTransientPublishError(error: unknown): boolean {
  if (error instanceof natsErrors.ClosedConnectionError || error instanceof natsErrors.DrainingConnectionError) return false;
  if (error instanceof natsErrors.TimeoutError || error instanceof natsErrors.NoRespondersError) return true;
  if (error instanceof natsErrors.ConnectionError) return true;
  if (error instanceof RequestError) return error.isNoResponders() || isTransientPublishError(error.cause);
  if (error instanceof JetStreamApiError) return error.status === 503;
  // `js.publish` reports "no responders" as JetStreamNotEnabled with the RequestError as its cause.
  if (error instanceof JetStreamError) return isTransientPublishError(error.cause);
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') return isTransientPublishError(error.cause);
  return false;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
