import { ContractValidationError, UnknownContractError } from '@hearth/contracts';
import { StreamNotFoundError } from './errors';
import { partitionOf } from './names';
import { createTestKit, uniqueService, visitContract, type TestKit } from './test-support/nats-test-kit';

describe('publish against NATS', () => {
  let kit: TestKit;

  beforeAll(async () => {
    kit = await createTestKit({ partitions: 8 });
  });
  afterAll(() => kit.cleanup());

  it('publishes on <type>.v<N>.p<K> with the envelope id as Nats-Msg-Id and waits for the ack', async () => {
    const event = kit.visit('guest-1', 1);
    const result = await kit.messaging.publish(event, { traceHeaders: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    const partition = partitionOf('guest-1', 8);
    expect(result).toMatchObject({ stream: kit.stream, duplicate: false, partition, attempts: 1, subject: `hearth.${kit.service}.visit-recorded.v1.p${partition}` });
    const stored = await kit.messaging.manager.streams.getMessage(kit.stream, { seq: result.seq });
    expect(stored!.subject).toBe(result.subject);
    expect(stored!.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(stored!.header.get('traceparent')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(stored!.json()).toEqual(event);
  });

  it('reports a republished envelope as a duplicate and stores it once', async () => {
    const event = kit.visit('guest-2', 1);
    const first = await kit.messaging.publish(event);
    const again = await kit.messaging.publish(event);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    const info = await kit.messaging.manager.streams.info(kit.stream, { subjects_filter: first.subject });
    expect(info.state.subjects?.[first.subject]).toBe(1);
  });

  it('keeps every event of one guest in one partition', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((seq) => kit.messaging.publish(kit.visit('guest-3', seq))));
    expect(new Set(results.map((r) => r.partition)).size).toBe(1);
  });

  it('validates against the contract before publishing', async () => {
    const before = (await kit.messaging.manager.streams.info(kit.stream)).state.messages;
    const invalid = { ...kit.visit('guest-4', 1), data: { visitId: '', seq: -1 } };
    await expect(kit.messaging.publish(invalid)).rejects.toThrow(ContractValidationError);
    const unknownVersion = { ...kit.visit('guest-4', 1), version: 9 };
    await expect(kit.messaging.publish(unknownVersion)).rejects.toThrow(UnknownContractError);
    expect((await kit.messaging.manager.streams.info(kit.stream)).state.messages).toBe(before);
  });

  it('fails fast when the producing service has no stream', async () => {
    const other = uniqueService();
    const contract = visitContract(other);
    const publisher = kit.messaging.createPublisher({ contracts: [contract] });
    const event = contract.create({ tenantId: 't', correlationId: 'c', data: { visitId: 'v', seq: 1 } });
    await expect(publisher.publish(event)).rejects.toThrow(StreamNotFoundError);
  });
});
