import { createHash } from 'node:crypto';
import { defineCollection, type BaseDocument } from '@hearth/read-models';

/** A name as the search keeps it: both parts folded with `foldSearchText`. */
export type FoldedName = { family: string; given: string };

/**
 * One document per guest: the state the projection folds (the guest's own searchable values, the names
 * it won in merges, whether it answers) and the effective keys. Nothing here is queried: the queries go
 * to `guest_search_keys`, because the document store indexes scalar fields only, not arrays.
 */
export type GuestSearchDocument = BaseDocument & {
  /** `merged`: the guest answers as its survivor and has no search keys (kept so unmerge restores them). */
  status: 'active' | 'merged';
  /** The effective name, folded, "family given" (null without a name). */
  nameKey: string | null;
  /** The effective given name, folded. */
  givenKey: string | null;
  /** Whose personal data the effective name is: the guest itself, or the merged guest whose name won. */
  nameOwnerId: string | null;
  /** The guest's own name (folded), as registered or last updated. */
  name: FoldedName | null;
  /** Names won from merged guests (survivorship), in merge order; the last one is effective. */
  mergedNames: { mergeId: string; mergedId: string; name: FoldedName }[];
  /** Normalised (lower-case) e-mail identities. */
  emails: string[];
  /** E.164 phone identities. */
  phones: string[];
  /** The survivor while merged. */
  survivorId?: string;
};

/** What a key document indexes. `merge` is not searchable: it links a survivor to a merged guest whose name it holds. */
export type SearchKeyKind = 'name' | 'email' | 'phone' | 'merge';

/** The kinds that hold personal data (all but `merge`). */
export const PERSONAL_KEY_KINDS = ['name', 'email', 'phone'] as const;

/**
 * One document per searchable key of an answering guest (`${guestId}:${hash}`). Name keys come twice
 * ("family given" and "given family") so a prefix of either part matches; the given-first one carries
 * the family-first key so a query matching both returns the guest once.
 */
export type GuestSearchKeyDocument = BaseDocument & {
  /** The guest a hit answers with. */
  guestId: string;
  /** Whose personal data the key is (differs from guestId for a name won from a merged guest): erasure deletes by it. */
  ownerId: string;
  kind: SearchKeyKind;
  /** Folded name, lower-case e-mail, E.164 phone, or (kind `merge`) the merged guest's id. */
  key: string;
  /** Given-first name keys only: the same name family-first. */
  familyFirstKey?: string;
};

export const guestSearchDocuments = defineCollection<GuestSearchDocument>({ name: 'guest_search' });

export const guestSearchKeys = defineCollection<GuestSearchKeyDocument>({
  name: 'guest_search_keys',
  fields: { guestId: 'string', ownerId: 'string', kind: 'string', key: 'string' },
  // (kind, key) serves exact and prefix queries in key order; guestId/ownerId serve the erasure purge.
  indexes: [{ fields: ['kind', 'key'] }, { fields: ['guestId'] }, { fields: ['ownerId'] }],
});

/** Every collection the guest-search projection writes (for the runner's rebuild). */
export const GUEST_SEARCH_COLLECTIONS = [guestSearchDocuments, guestSearchKeys] as const;

// Letters NFKD does not decompose into a base letter plus marks.
const SPECIAL_LETTERS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/**
 * Lower-cases and folds accents ("Zoë Ørsted" → "zoe orsted"); apostrophes vanish ("O'Brien" → "obrien"),
 * other punctuation becomes a space, spaces collapse. Documents and queries fold the same way.
 */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => SPECIAL_LETTERS[c] ?? c)
    .replace(/['’ʼ`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The name the guest answers to: the last name won in a merge, else its own. */
export function effectiveName(doc: Pick<GuestSearchDocument, 'id' | 'name' | 'mergedNames'>): { name: FoldedName; ownerId: string } | undefined {
  const won = doc.mergedNames.at(-1);
  if (won) return { name: won.name, ownerId: won.mergedId };
  return doc.name ? { name: doc.name, ownerId: doc.id } : undefined;
}

const joinParts = (...parts: string[]) => parts.filter((p) => p !== '').join(' ');

/** "family given", folded: the document's `nameKey`. */
export const familyFirst = (name: FoldedName) => joinParts(name.family, name.given);

/**
 * The key documents a guest should have: searchable keys while it answers (none while merged), and a
 * `merge` link per merged guest whose name it holds, whatever its status (so erasing that guest finds it).
 */
export function keyDocumentsOf(doc: GuestSearchDocument): GuestSearchKeyDocument[] {
  const base = { tenantId: doc.tenantId, version: doc.version, guestId: doc.id };
  // ids carry a hash, not the value: ids travel in cursors and logs
  const idOf = (ownerId: string, kind: SearchKeyKind, order: string, value: string) =>
    `${doc.id}:${createHash('sha256').update(`${ownerId}\n${kind}\n${order}\n${value}`).digest('hex').slice(0, 24)}`;
  const out: GuestSearchKeyDocument[] = doc.mergedNames.map((m) => ({ ...base, id: idOf(m.mergedId, 'merge', '', m.mergedId), ownerId: m.mergedId, kind: 'merge', key: m.mergedId }));
  if (doc.status !== 'active') return out;
  const effective = effectiveName(doc);
  if (effective) {
    const { name, ownerId } = effective;
    const familyKey = familyFirst(name);
    const givenKey = joinParts(name.given, name.family);
    if (familyKey !== '') out.push({ ...base, id: idOf(ownerId, 'name', 'family', familyKey), ownerId, kind: 'name', key: familyKey });
    if (givenKey !== familyKey) {
      out.push({ ...base, id: idOf(ownerId, 'name', 'given', givenKey), ownerId, kind: 'name', key: givenKey, familyFirstKey: familyKey });
    }
  }
  for (const email of doc.emails) out.push({ ...base, id: idOf(doc.id, 'email', '', email), ownerId: doc.id, kind: 'email', key: email });
  for (const phone of doc.phones) out.push({ ...base, id: idOf(doc.id, 'phone', '', phone), ownerId: doc.id, kind: 'phone', key: phone });
  return out;
}
