import { JetStreamApiError } from '@nats-io/jetstream';
import { errors, RequestError } from '@nats-io/transport-node';
import { DEFAULT_RETRY, backoffDelay, isTransientPublishError, nakDelay, sleep } from './retry';

describe('backoffDelay', () => {
  const options = { attempts: 6, initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per attempt and stays under the cap', () => {
    const upper = [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, options, () => 1));
    expect(upper).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps half of the delay fixed and jitters the other half', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
  });

  it('has bounded defaults', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 5, initialDelayMs: 50, maxDelayMs: 2_000 });
  });
});

describe('nakDelay', () => {
  it('follows the backoff list by delivery count and repeats its last entry', () => {
    const backoff = [1_000, 5_000, 30_000];
    expect([1, 2, 3, 4, 9].map((n) => nakDelay(n, backoff))).toEqual([1_000, 5_000, 30_000, 30_000, 30_000]);
    expect(nakDelay(3, [])).toBe(0);
  });
});

describe('isTransientPublishError', () => {
  it('retries timeouts, missing responders, connection drops and 503s', () => {
    expect(isTransientPublishError(new errors.TimeoutError())).toBe(true);
    expect(isTransientPublishError(new RequestError('no responders', { cause: new errors.NoRespondersError('x') }))).toBe(true);
    const notEnabled = Object.assign(new Error('jetstream is not enabled', { cause: new RequestError('x', { cause: new errors.NoRespondersError('x') }) }), {
      name: 'JetStreamNotEnabled',
    });
    expect(isTransientPublishError(notEnabled)).toBe(true);
    expect(isTransientPublishError(new errors.ConnectionError('reset'))).toBe(true);
    expect(isTransientPublishError(new JetStreamApiError({ code: 503, err_code: 10008, description: 'unavailable' }))).toBe(true);
  });

  it('does not retry a closed connection, limits or unknown errors', () => {
    expect(isTransientPublishError(new errors.ClosedConnectionError())).toBe(false);
    expect(isTransientPublishError(new errors.DrainingConnectionError())).toBe(false);
    expect(isTransientPublishError(new JetStreamApiError({ code: 400, err_code: 10054, description: 'maximum messages exceeded' }))).toBe(false);
    expect(isTransientPublishError(new Error('boom'))).toBe(false);
  });
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const done = sleep(60_000, controller.signal);
    controller.abort();
    await done;
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
