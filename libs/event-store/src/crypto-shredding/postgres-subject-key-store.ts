import { createHash, randomBytes } from 'node:crypto';
import { ChannelListener, migrateWithLock } from '@hearth/postgres';
import type pg from 'pg';
import { InvalidArgumentError } from '../errors';
import { SubjectErasedError, type KeyDestructionWatch, type MasterKey, type SubjectKeyStore } from './subject-keys';

/**
 * Subject keys in the owning service's schema (table `subject_keys`). Only wrapped keys are stored.
 * Destroying a key nulls it and keeps a tombstone (`destroyed_at`), so an erased subject can never be
 * given a fresh key by a late writer. Old row versions linger until VACUUM, but they too hold only the
 * wrapped key, useless without the master key. Every destruction is announced (NOTIFY, delivered on
 * commit) to the processes watching (`watchDestroyed`), so their key caches drop it at once.
 */
export class PostgresSubjectKeyStore implements SubjectKeyStore {
  private readonly table: string;
  /** NOTIFY channel of this schema's key destructions (a hash: channel names are limited to 63 bytes). */
  private readonly channel: string;
  private readonly watchers = new Set<(subjectId: string | null) => void>();
  private listener: ChannelListener | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly masterKey: MasterKey,
  ) {
    this.table = `"${schema}".subject_keys`;
    this.channel = `hsk_${createHash('sha1').update(schema).digest('hex').slice(0, 20)}`;
  }

  static async connect({ pool, schema, masterKey }: { pool: pg.Pool; schema: string; masterKey: MasterKey }): Promise<PostgresSubjectKeyStore> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new InvalidArgumentError('schema', `'${schema}' is not a lower-case PostgreSQL identifier`);
    const store = new PostgresSubjectKeyStore(pool, schema, masterKey);
    await migrateWithLock(pool, `hearth-subject-keys:${schema}`, [
      `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
      `CREATE TABLE IF NOT EXISTS ${store.table} (
         subject_id text PRIMARY KEY,
         tenant_id text NOT NULL,
         kek_id text,
         wrapped_key bytea,
         created_at timestamptz NOT NULL DEFAULT now(),
         destroyed_at timestamptz,
         CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
       )`,
    ]);
    return store;
  }

  async getOrCreateKey(subjectId: string, tenantId: string): Promise<Buffer> {
    const existing = await this.read(subjectId);
    if (existing === 'erased') throw new SubjectErasedError(subjectId);
    if (existing) return existing;
    const key = randomBytes(32);
    const { kekId, wrapped } = this.masterKey.wrap(key, subjectId);
    const { rowCount } = await this.pool.query(
      `INSERT INTO ${this.table} (subject_id, tenant_id, kek_id, wrapped_key) VALUES ($1, $2, $3, $4) ON CONFLICT (subject_id) DO NOTHING`,
      [subjectId, tenantId, kekId, wrapped],
    );
    if (rowCount === 1) return key;
    // a concurrent writer created it first (or erased it): use what is stored
    const winner = await this.read(subjectId);
    if (winner === 'erased' || !winner) throw new SubjectErasedError(subjectId);
    return winner;
  }

  async getKey(subjectId: string): Promise<Buffer | undefined> {
    const key = await this.read(subjectId);
    return key === 'erased' ? undefined : key;
  }

  async destroyKey(subjectId: string): Promise<void> {
    // one statement, so the announcement goes out exactly when the destruction commits
    await this.pool.query(
      `WITH destroyed AS (
         INSERT INTO ${this.table} AS k (subject_id, tenant_id, kek_id, wrapped_key, destroyed_at) VALUES ($1, '', NULL, NULL, now())
         ON CONFLICT (subject_id) DO UPDATE SET kek_id = NULL, wrapped_key = NULL, destroyed_at = coalesce(k.destroyed_at, now())
         RETURNING subject_id
       )
       SELECT pg_notify($2, subject_id) FROM destroyed`,
      [subjectId, this.channel],
    );
  }

  watchDestroyed(listener: (subjectId: string | null) => void): KeyDestructionWatch {
    this.watchers.add(listener);
    this.listener ??= new ChannelListener({
      connection: this.pool.options,
      channel: this.channel,
      onNotification: (subjectId) => {
        for (const watcher of this.watchers) watcher(subjectId);
      },
      // destructions may have been missed: every cached key is suspect
      onGap: () => {
        for (const watcher of this.watchers) watcher(null);
      },
    });
    const channel = this.listener;
    void channel.start();
    return {
      live: () => channel.live() && this.watchers.has(listener),
      close: () => {
        this.watchers.delete(listener);
        if (this.watchers.size === 0) this.close();
      },
    };
  }

  /** Stops watching (the pool is the caller's). */
  close(): void {
    this.watchers.clear();
    this.listener?.close();
    this.listener = undefined;
  }

  async isErased(subjectId: string): Promise<boolean> {
    return (await this.read(subjectId)) === 'erased';
  }

  private async read(subjectId: string): Promise<Buffer | 'erased' | undefined> {
    const { rows } = await this.pool.query<{ kek_id: string | null; wrapped_key: Buffer | null }>(
      `SELECT kek_id, wrapped_key FROM ${this.table} WHERE subject_id = $1`,
      [subjectId],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (!row.wrapped_key || !row.kek_id) return 'erased';
    return this.masterKey.unwrap(row.kek_id, row.wrapped_key, subjectId);
  }
}

