import { guestDecider, type GuestState } from '../domain/guest.decider';
import { lookupFromReadModel, type GuestLookupEntry, type GuestLookupReadModel } from './guest-lookup';

const phone = { type: 'phone' as const, value: '+351912000001' };
const state = (guestId: string, extra: Partial<GuestState> = {}): GuestState => ({
  ...guestDecider.initialState(),
  status: 'active',
  guestId,
  tenantId: 't1',
  identities: [phone],
  ...extra,
});
const entry = (s: GuestState, streamVersion = 3, head: number | undefined = streamVersion): GuestLookupEntry => ({ state: s, streamVersion, head });

function readModel(byClaim: GuestLookupEntry | undefined, guests: Record<string, GuestLookupEntry> = {}): GuestLookupReadModel {
  return { byClaim: async () => byClaim, byGuest: async (_tenant, id) => guests[id] };
}
const lookup = (rm: GuestLookupReadModel, tenantId = 't1') => lookupFromReadModel(rm, tenantId, 'identity-abc', phone);

describe('lookupFromReadModel: answers only from current entries', () => {
  it('answers with the holder and its stream version when the entry is at the head', async () => {
    expect(await lookup(readModel(entry(state('g1'), 3)))).toEqual({ state: state('g1'), version: 3 });
  });

  it('leaves it to the event store when the entry trails, is missing, belongs to another tenant or no longer lists the identifier', async () => {
    expect(await lookup(readModel(entry(state('g1'), 3, 4)))).toBeUndefined();
    expect(await lookup(readModel({ ...entry(state('g1'), 3), head: undefined }))).toBeUndefined();
    expect(await lookup(readModel(undefined))).toBeUndefined();
    expect(await lookup(readModel(entry(state('g1'))), 't2')).toBeUndefined();
    expect(await lookup(readModel(entry(state('g1', { identities: [{ type: 'email', value: 'a@b.c' }] }))))).toBeUndefined();
    expect(await lookup(readModel(entry(state('g1', { status: 'erased' }))))).toBeUndefined();
  });

  it('follows merges to a current survivor, and gives up on a trailing survivor or a cycle', async () => {
    const merged = entry(state('g1', { status: 'merged', mergedInto: { mergeId: 'm1', survivorId: 'g2' } }));
    expect(await lookup(readModel(merged, { g2: entry(state('g2', { identities: [] }), 7) }))).toMatchObject({ state: { guestId: 'g2' }, version: 7 });
    expect(await lookup(readModel(merged, { g2: entry(state('g2'), 7, 8) }))).toBeUndefined();
    const cycle = entry(state('g2', { status: 'merged', mergedInto: { mergeId: 'm2', survivorId: 'g1' } }));
    expect(await lookup(readModel(merged, { g2: cycle, g1: merged }))).toBeUndefined();
  });
});
