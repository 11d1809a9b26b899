import { randomBytes } from 'node:crypto';
import { MemoryEventStore } from '../adapters/memory/memory-event-store';
import { describeEventStoreConformance } from '../conformance/event-store.conformance';
import { testMetadata } from '../conformance/fixtures';
import { InvalidEventError } from '../errors';
import { CryptoShreddingEventStore } from './crypto-shredding-event-store';
import { decryptValue, encryptValue, isEncryptedValue, mapPaths, parsePath } from './personal-data';
import { MasterKey, MemorySubjectKeyStore, SubjectErasedError, type SubjectKeyStore } from './subject-keys';

const personalData = {
  GuestRegistered: { fields: ['name', 'emails[*]', 'phones[*].number', 'address.street'] },
};
const registered = (guestId: string) => ({
  type: 'GuestRegistered',
  data: {
    name: { given: 'Ana', family: 'Lopes' },
    emails: ['ana@example.com', 'ana.work@example.com'],
    phones: [{ number: '+351912345678', kind: 'mobile' }],
    address: { street: 'Rua Augusta 1', city: 'Lisboa' },
    lifecycleStage: 'prospect',
    brandId: 'brand-a',
  },
  metadata: testMetadata({ guestId }),
});

describe('personal-data paths', () => {
  it('parses dot paths with [*]', () => {
    expect(parsePath('name')).toEqual(['name']);
    expect(parsePath('phones[*].number')).toEqual(['phones', '*', 'number']);
    expect(parsePath('matrix[*][*]')).toEqual(['matrix', '*', '*']);
    expect(() => parsePath('a..b')).toThrow(/invalid personal-data path/);
  });

  it('replaces only the values at the paths, without mutating the input', () => {
    const input = registered('g1').data;
    const out = mapPaths(input, ['name', 'phones[*].number', 'absent.path'].map(parsePath), () => 'X') as typeof input;
    expect(out.name).toBe('X');
    expect(out.phones).toEqual([{ number: 'X', kind: 'mobile' }]);
    expect(out.emails).toEqual(input.emails);
    expect(input.name).toEqual({ given: 'Ana', family: 'Lopes' });
  });

  it('binds a ciphertext to its subject: it does not open under another subject', () => {
    const key = randomBytes(32);
    const sealed = encryptValue(key, 'guest-1', { given: 'Ana' });
    expect(isEncryptedValue(sealed)).toBe(true);
    expect(decryptValue(key, sealed)).toEqual({ given: 'Ana' });
    expect(() => decryptValue(key, { ...sealed, s: 'guest-2' })).toThrow();
  });
});

describe('MasterKey', () => {
  it('accepts 32-byte keys in hex or base64 and rejects others', () => {
    expect(MasterKey.from('k1', randomBytes(32).toString('hex')).id).toBe('k1');
    expect(MasterKey.from('k1', randomBytes(32).toString('base64')).id).toBe('k1');
    expect(() => MasterKey.from('k1', randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('unwraps keys wrapped under a previous master key after rotation', () => {
    const old = MasterKey.generate('2025');
    const dataKey = randomBytes(32);
    const { kekId, wrapped } = old.wrap(dataKey, 'guest-1');
    const rotated = MasterKey.from('2026', randomBytes(32).toString('hex'), [old]);
    expect(rotated.unwrap(kekId, wrapped, 'guest-1').equals(dataKey)).toBe(true);
    expect(() => MasterKey.generate('2026').unwrap(kekId, wrapped, 'guest-1')).toThrow(/no master key '2025'/);
  });
});

describe('CryptoShreddingEventStore', () => {
  let inner: MemoryEventStore;
  let keys: MemorySubjectKeyStore;
  let store: CryptoShreddingEventStore;
  beforeEach(() => {
    inner = new MemoryEventStore();
    keys = new MemorySubjectKeyStore();
    store = new CryptoShreddingEventStore(inner, { keys, personalData });
  });

  it('stores only ciphertext for personal fields and reads plaintext back', async () => {
    await store.appendToStream('guest-g1', [registered('g1'), { type: 'StayRecorded', data: { nights: 2 }, metadata: testMetadata({ guestId: 'g1' }) }]);
    const raw = JSON.stringify(await inner.readStream('guest-g1'));
    for (const secret of ['Ana', 'Lopes', 'ana@example.com', '+351912345678', 'Rua Augusta']) expect(raw).not.toContain(secret);
    expect(raw).toContain('Lisboa'); // not declared personal
    const [event, stay] = await store.readStream('guest-g1');
    expect(event!.data).toEqual(registered('g1').data);
    expect(stay!.data).toEqual({ nights: 2 });
  });

  it('after erasure, personal fields read as null and everything else replays unchanged', async () => {
    await store.appendToStream('guest-g1', [registered('g1')]);
    await store.appendToStream('guest-g2', [registered('g2')]);
    await store.erase('g1');
    const [erased] = await store.readStream('guest-g1');
    expect(erased!.data).toEqual({
      name: null,
      emails: [null, null],
      phones: [{ number: null, kind: 'mobile' }],
      address: { street: null, city: 'Lisboa' },
      lifecycleStage: 'prospect',
      brandId: 'brand-a',
    });
    expect(erased!.metadata.personalDataErased).toBe(true);
    const [other] = await store.readStream('guest-g2');
    expect((other!.data as { name: unknown }).name).toEqual({ given: 'Ana', family: 'Lopes' });
    expect((await store.readAll()).map((e) => e.streamName)).toEqual(['guest-g1', 'guest-g2']);
  });

  it('refuses new personal data for an erased subject, and events that name no subject', async () => {
    await store.erase('g1');
    await expect(store.appendToStream('guest-g1', [registered('g1')])).rejects.toBeInstanceOf(SubjectErasedError);
    const anonymous = { ...registered('x'), metadata: testMetadata() };
    await expect(store.appendToStream('guest-x', [anonymous])).rejects.toBeInstanceOf(InvalidEventError);
    expect(await inner.streamVersion('guest-g1')).toBeUndefined();
  });

  it('looks a subject key up once for all its values, shared by concurrent reads', async () => {
    await store.appendToStream('guest-g1', [registered('g1'), registered('g1')]);
    const reader = new CryptoShreddingEventStore(inner, { keys, personalData });
    const getKey = jest.spyOn(keys, 'getKey');
    const [first, second] = await Promise.all([reader.readStream('guest-g1'), reader.readStream('guest-g1')]);
    expect(getKey).toHaveBeenCalledTimes(1);
    expect(first!.map((e) => e.data)).toEqual([registered('g1').data, registered('g1').data]);
    expect(second).toEqual(first);
  });

  it('keeps keys for writing too (one key lookup for many appends), and drops them the moment another process erases the subject', async () => {
    const getOrCreate = jest.spyOn(keys, 'getOrCreateKey');
    await store.appendToStream('guest-g1', [registered('g1')]);
    await store.appendToStream('guest-g1', [registered('g1')]);
    expect(getOrCreate).toHaveBeenCalledTimes(1);
    // another process (another store over the same key store) erases g1: this one stops using the key at once
    const other = new CryptoShreddingEventStore(inner, { keys, personalData });
    await other.erase('g1');
    expect((await store.readStream('guest-g1'))[0]!.metadata.personalDataErased).toBe(true);
    await expect(store.appendToStream('guest-g1', [registered('g1')])).rejects.toBeInstanceOf(SubjectErasedError);
  });

  it('without announcements from the key store, keys expire after ttlMs', async () => {
    const silent: SubjectKeyStore = { getOrCreateKey: (s) => keys.getOrCreateKey(s), getKey: (s) => keys.getKey(s), destroyKey: (s) => keys.destroyKey(s), isErased: (s) => keys.isErased(s) };
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const writer = new CryptoShreddingEventStore(inner, { keys: silent, personalData, keyCache: { ttlMs: 60_000 } });
    await writer.appendToStream('guest-g1', [registered('g1')]);
    await keys.destroyKey('g1');
    now += 59_000;
    expect((await writer.readStream('guest-g1'))[0]!.metadata.personalDataErased).toBeUndefined(); // still cached: the documented window
    now += 2_000;
    expect((await writer.readStream('guest-g1'))[0]!.metadata.personalDataErased).toBe(true);
    jest.restoreAllMocks();
  });

  it('prefetchKeys starts the key lookup before the read, and the read uses that lookup instead of its own', async () => {
    await store.appendToStream('guest-g1', [registered('g1')]);
    const reader = new CryptoShreddingEventStore(inner, { keys, personalData });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const getKey = jest.spyOn(keys, 'getKey').mockImplementation(async (subject) => {
      await gate;
      return MemorySubjectKeyStore.prototype.getKey.call(keys, subject);
    });
    reader.prefetchKeys(['g1']);
    expect(getKey).toHaveBeenCalledTimes(1); // asked at once, before any stream was read
    const read = reader.readStream('guest-g1');
    release();
    expect((await read)[0]!.data).toEqual(registered('g1').data);
    expect(getKey).toHaveBeenCalledTimes(1);
  });

  it('a failed prefetch is neither thrown nor remembered: the read looks the key up again', async () => {
    await store.appendToStream('guest-g1', [registered('g1')]);
    const reader = new CryptoShreddingEventStore(inner, { keys, personalData });
    const getKey = jest.spyOn(keys, 'getKey').mockRejectedValueOnce(new Error('connection lost'));
    reader.prefetchKeys(['g1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await reader.readStream('guest-g1'))[0]!.data).toEqual(registered('g1').data);
    expect(getKey).toHaveBeenCalledTimes(2);
  });

  it('does not remember a failed key lookup', async () => {
    await store.appendToStream('guest-g1', [registered('g1')]);
    const reader = new CryptoShreddingEventStore(inner, { keys, personalData });
    jest.spyOn(keys, 'getKey').mockRejectedValueOnce(new Error('connection lost'));
    await expect(reader.readStream('guest-g1')).rejects.toThrow('connection lost');
    expect((await reader.readStream('guest-g1'))[0]!.data).toEqual(registered('g1').data);
  });

  it('keeps decrypting live subscriptions', async () => {
    const abort = new AbortController();
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const e of store.subscribeToAll({ signal: abort.signal })) {
        seen.push(e.data);
        abort.abort();
      }
    })();
    await store.appendToStream('guest-g1', [registered('g1')]);
    await done;
    expect(seen).toEqual([registered('g1').data]);
  });
});

describeEventStoreConformance('crypto-shredding over in-memory', async () => ({
  store: new CryptoShreddingEventStore(new MemoryEventStore(), {
    keys: new MemorySubjectKeyStore(),
    personalData: { GuestRegistered: { fields: ['name'] }, EmailAdded: { fields: ['email'] } },
  }),
}));
