import { z } from 'zod';
import {
  InvalidMessagingOptionError,
  NoRespondersError,
  RemoteError,
  RequestTimeoutError,
  RequestValidationError,
  ResponseValidationError,
} from './errors';
import { createTestKit, type TestKit } from './test-support/nats-test-kit';

const resolveRequest = z.object({ tenantId: z.string().min(1), email: z.email() });
const resolveResponse = z.object({ guestId: z.string(), matchedBy: z.literal('email') });

class GuestNotFoundError extends Error {
  readonly code = 'GUEST_NOT_FOUND';
}

describe('request/reply against NATS', () => {
  let kit: TestKit;
  let subject: string;
  beforeEach(async () => {
    kit = await createTestKit({ partitions: 1 });
    subject = `rpc.${kit.service}.resolve-guest`;
  });
  afterEach(() => kit.cleanup());

  const startResponder = (handle: (r: z.infer<typeof resolveRequest>) => Promise<unknown>) =>
    kit.messaging.createResponder({ subject, requestSchema: resolveRequest, handle });

  it('answers a valid request with the validated response, trace headers included', async () => {
    let seenTraceparent: string | undefined;
    kit.messaging.createResponder({
      subject,
      requestSchema: resolveRequest,
      handle: async (request, context) => {
        seenTraceparent = context.headers.traceparent;
        return { guestId: `guest-for-${request.email}`, matchedBy: 'email' as const };
      },
    });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const reply = await kit.messaging.request(subject, { tenantId: 't', email: 'ana@example.com' }, { responseSchema: resolveResponse, traceHeaders: { traceparent } });
    expect(reply).toEqual({ guestId: 'guest-for-ana@example.com', matchedBy: 'email' });
    expect(seenTraceparent).toBe(traceparent);
  });

  it('carries the responder’s error code and message back as RemoteError', async () => {
    startResponder(async (request) => {
      throw new GuestNotFoundError(`no guest with ${request.email}`);
    });
    const failure = await kit.messaging.request(subject, { tenantId: 't', email: 'nobody@example.com' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RemoteError);
    expect(failure).toMatchObject({ code: 'REMOTE_ERROR', remoteCode: 'GUEST_NOT_FOUND', remoteMessage: 'no guest with nobody@example.com' });
  });

  it('does not leak the message of an uncoded failure', async () => {
    startResponder(async () => {
      throw new Error('connection string postgres://secret@db');
    });
    const failure = await kit.messaging.request(subject, { tenantId: 't', email: 'a@example.com' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ remoteCode: 'INTERNAL_ERROR', remoteMessage: 'the responder failed' });
  });

  it('rejects invalid requests on both sides with field-level issues', async () => {
    startResponder(async () => ({ guestId: 'g', matchedBy: 'email' }));
    const remote = await kit.messaging.request(subject, { tenantId: '', email: 'not-an-email' }).catch((e: unknown) => e);
    expect(remote).toBeInstanceOf(RemoteError);
    expect((remote as RemoteError).remoteCode).toBe('INVALID_REQUEST');
    expect((remote as RemoteError).issues.map((i) => i.path).sort()).toEqual(['email', 'tenantId']);
    const local = await kit.messaging.request(subject, { email: 1 }, { requestSchema: resolveRequest }).catch((e: unknown) => e);
    expect(local).toBeInstanceOf(RequestValidationError);
    expect((local as RequestValidationError).issues.map((i) => i.path).sort()).toEqual(['email', 'tenantId']);
  });

  it('rejects a response that does not match the response schema', async () => {
    startResponder(async () => ({ guestId: 42 }));
    const failure = await kit.messaging.request(subject, { tenantId: 't', email: 'a@example.com' }, { responseSchema: resolveResponse }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResponseValidationError);
    expect((failure as ResponseValidationError).issues.map((i) => i.path).sort()).toEqual(['guestId', 'matchedBy']);
  });

  it('reports a missing responder and a slow one with typed errors', async () => {
    await expect(kit.messaging.request(subject, { tenantId: 't', email: 'a@example.com' })).rejects.toThrow(NoRespondersError);
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const responder = startResponder(async () => {
      await slow;
      return { guestId: 'late', matchedBy: 'email' };
    });
    const failure = await kit.messaging.request(subject, { tenantId: 't', email: 'a@example.com' }, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RequestTimeoutError);
    expect(failure).toMatchObject({ code: 'REQUEST_TIMEOUT', timeoutMs: 100 });
    release();
    await responder.stop();
  });

  it('shares requests between the instances of a service (queue group)', async () => {
    const second = await kit.connectClient();
    const answeredBy: string[] = [];
    for (const [name, client] of [['a', kit.messaging], ['b', second]] as const) {
      client.createResponder({
        subject,
        requestSchema: resolveRequest,
        handle: async () => {
          answeredBy.push(name);
          return { guestId: name, matchedBy: 'email' };
        },
      });
    }
    await second.connection.flush();
    const replies = await Promise.all(Array.from({ length: 40 }, () => kit.messaging.request<{ guestId: string }>(subject, { tenantId: 't', email: 'a@example.com' })));
    expect(answeredBy).toHaveLength(40);
    expect(new Set(replies.map((r) => r.guestId))).toEqual(new Set(['a', 'b']));
  });

  it('refuses subjects inside the stream space, where JetStream would answer with a PubAck', () => {
    expect(() => kit.messaging.createResponder({ subject: `hearth.${kit.service}.rpc`, requestSchema: resolveRequest, handle: async () => 1 })).toThrow(
      InvalidMessagingOptionError,
    );
  });
});
