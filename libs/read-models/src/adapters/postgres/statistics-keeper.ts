import type pg from 'pg';

export type AutoAnalyzeOptions = {
  /** Rows written to a table since its last ANALYZE before another is due (default 1,000)… */
  minRows?: number;
  /** …and at least this fraction of the rows it had then (default 0.2). */
  fraction?: number;
  /** At most one ANALYZE per table in this interval (default 10 s). */
  minIntervalMs?: number;
  /** Delay between the write that crossed the threshold and the ANALYZE, so its transaction has committed (default 500 ms). */
  delayMs?: number;
};

type TableStats = { written: number; rowsAtAnalyze: number; lastAt: number; timer: NodeJS.Timeout | undefined; running: boolean };

/**
 * Keeps planner statistics of read-model tables fresh. Autovacuum analyzes a table only after 50 rows +
 * 10% of it changed, checked once a minute, so a table that a projection just filled (a catch-up, a
 * rebuild's fresh copy) has no statistics for up to a minute: the planner then guesses a few rows per
 * value and may prefer a bitmap scan plus a sort over the ordered index a keyset page needs, which makes
 * one guest with 10,000 entries ten times slower to page than one with 10. This runs `ANALYZE` itself
 * once enough rows were written, in the background, never inside the projection's transaction.
 */
export class StatisticsKeeper {
  private readonly tables = new Map<string, TableStats>();
  private readonly minRows: number;
  private readonly fraction: number;
  private readonly minIntervalMs: number;
  private readonly delayMs: number;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    options: AutoAnalyzeOptions = {},
    private readonly onError: (error: unknown, table: string) => void = () => undefined,
  ) {
    this.minRows = options.minRows ?? 1_000;
    this.fraction = options.fraction ?? 0.2;
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
    this.delayMs = options.delayMs ?? 500;
  }

  /** `rows` rows of `table` (schema-qualified, quoted) were inserted, updated or deleted. */
  wrote(table: string, rows: number): void {
    if (this.closed || rows <= 0) return;
    const stats = this.statsOf(table);
    stats.written += rows;
    if (stats.timer || stats.running) return;
    if (stats.written < Math.max(this.minRows, this.fraction * stats.rowsAtAnalyze)) return;
    const wait = Math.max(this.delayMs, stats.lastAt + this.minIntervalMs - Date.now());
    stats.timer = setTimeout(() => void this.analyze(table, stats), wait);
    stats.timer.unref();
  }

  /** Analyzes `table` soon whatever was written (e.g. a rebuilt copy that just went live). */
  analyzeSoon(table: string): void {
    if (this.closed) return;
    const stats = this.statsOf(table);
    if (stats.timer || stats.running) return;
    stats.timer = setTimeout(() => void this.analyze(table, stats), 0);
    stats.timer.unref();
  }

  private statsOf(table: string): TableStats {
    let stats = this.tables.get(table);
    if (!stats) {
      stats = { written: 0, rowsAtAnalyze: 0, lastAt: Number.NEGATIVE_INFINITY, timer: undefined, running: false };
      this.tables.set(table, stats);
    }
    return stats;
  }

  private async analyze(table: string, stats: TableStats): Promise<void> {
    stats.timer = undefined;
    if (this.closed) return;
    stats.running = true;
    const written = stats.written;
    try {
      await this.pool.query(`ANALYZE ${table}`);
      const { rows } = await this.pool.query<{ reltuples: number }>('SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = to_regclass($1)', [table]);
      stats.rowsAtAnalyze = Math.max(0, rows[0]?.reltuples ?? 0);
      stats.written -= written;
    } catch (error) {
      // a table dropped by a rebuild switch, a closed pool: the next writes try again
      this.onError(error, table);
    } finally {
      stats.lastAt = Date.now();
      stats.running = false;
    }
  }

  close(): void {
    this.closed = true;
    for (const stats of this.tables.values()) clearTimeout(stats.timer);
  }
}
