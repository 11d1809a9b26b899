export { CryptoShreddingEventStore } from './crypto-shredding-event-store';
export type { CryptoShreddingOptions, PersonalDataRule } from './crypto-shredding-event-store';
export { ERASED, isEncryptedValue, parsePath } from './personal-data';
export type { EncryptedValue } from './personal-data';
export { InvalidMasterKeyError, MasterKey, MemorySubjectKeyStore, SubjectErasedError } from './subject-keys';
export type { KeyDestructionWatch, SubjectKeyStore } from './subject-keys';
export { PostgresSubjectKeyStore } from './postgres-subject-key-store';
