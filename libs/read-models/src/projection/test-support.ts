import { randomUUID } from 'node:crypto';
import type { EventStore } from '@hearth/event-store';
import { testMetadata } from '@hearth/event-store';

/**
 * Appends a deterministic history of guest events (registrations, stays, renames, e-mail changes,
 * erasures) spread over `tenants`; returns the last global position. For tests and the benchmark.
 */
export async function appendGuestHistory(
  store: EventStore,
  options: { category: string; tenants: readonly string[]; guests: number; events: number; seed?: number; eraseEvery?: number },
): Promise<number> {
  let seed = options.seed ?? 1;
  const random = () => {
    // xorshift: the same history for the same seed
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const registered = new Set<number>();
  let last = 0;
  for (let i = 0; i < options.events; i++) {
    const guest = Math.floor(random() * options.guests);
    const tenantId = options.tenants[guest % options.tenants.length]!;
    const stream = `${options.category}-g${guest}`;
    let type: string;
    let data: Record<string, unknown>;
    if (!registered.has(guest)) {
      registered.add(guest);
      type = 'GuestRegistered';
      data = { name: `Guest ${guest}`, email: `g${guest}@example.com` };
    } else if (options.eraseEvery && i % options.eraseEvery === 0) {
      registered.delete(guest);
      type = 'GuestErased';
      data = {};
    } else {
      const r = random();
      type = r < 0.7 ? 'StayCompleted' : r < 0.85 ? 'GuestRenamed' : 'EmailChanged';
      data = type === 'StayCompleted' ? { amount: Math.round(random() * 50000) / 100 } : type === 'GuestRenamed' ? { name: `Guest ${guest} v${i}` } : { email: `g${guest}.${i}@example.com` };
    }
    const occurredAt = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    const result = await store.appendToStream(stream, [{ eventId: randomUUID(), type, data, metadata: testMetadata({ tenantId, guestId: `g${guest}`, occurredAt }) }]);
    last = result.globalPosition;
  }
  return last;
}
