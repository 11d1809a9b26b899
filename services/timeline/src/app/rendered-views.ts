import type { SerializedBody } from '@hearth/http';
import type { GuestViewResponse } from '../domain/guest-view';
import type { ViewerScope } from '../domain/timeline.types';

type Rendered = { versions: string; renderedAt: number; json: SerializedBody<GuestViewResponse> };

export type RenderedViewCacheOptions = {
  /** Upper bound of the kept renderings, in UTF-16 code units (≈ bytes of JSON); default 32 MiB. */
  maxChars?: number;
  /**
   * How long a rendering answers (default 60 s). A view depends on the clock too (`generatedAt`, cues such
   * as a birthday within 7 days, which complaints are recent): a cached answer is the view as of its
   * `generatedAt`, never older than this.
   */
  maxAgeMs?: number;
};

/** The cache key of a caller's scope: the brand acted for and the brands visible to it. */
export function scopeKeyOf(scope: ViewerScope): string {
  const visible = scope.visibleBrands === 'all' ? '*' : [...scope.visibleBrands].sort().join(',');
  return `${scope.brandId ?? '-'}|${visible}`;
}

/**
 * Guest views as sent (JSON), per tenant, guest and caller scope, with the versions of the stored views
 * they were presented from. A read whose stored views are unchanged sends the kept JSON instead of
 * presenting and serializing the view again (the larger part of a read's CPU and allocations); any new
 * event of the guest or of a guest merged into it changes the versions, and the view is presented anew.
 * Bounded by size, oldest first out. One per process.
 */
export class RenderedViewCache {
  private readonly entries = new Map<string, Rendered>();
  private chars = 0;
  private readonly maxChars: number;
  readonly maxAgeMs: number;

  constructor(options: RenderedViewCacheOptions = {}) {
    this.maxChars = options.maxChars ?? 32 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
  }

  static key(tenantId: string, guestId: string, scope: ViewerScope): string {
    return `${tenantId}\n${guestId}\n${scopeKeyOf(scope)}`;
  }

  /** The kept rendering when it was presented from exactly `versions` less than `maxAgeMs` before `nowMs`. */
  get(key: string, versions: string, nowMs: number): SerializedBody<GuestViewResponse> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const age = nowMs - entry.renderedAt;
    if (entry.versions === versions && age >= 0 && age < this.maxAgeMs) return entry.json;
    this.drop(key, entry);
    return undefined;
  }

  set(key: string, versions: string, nowMs: number, json: SerializedBody<GuestViewResponse>): void {
    const previous = this.entries.get(key);
    if (previous) this.drop(key, previous);
    const size = key.length + json.length;
    if (size > this.maxChars) return;
    this.entries.set(key, { versions, renderedAt: nowMs, json });
    this.chars += size;
    for (const [oldest, entry] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.drop(oldest, entry);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(key: string, entry: Rendered): void {
    this.entries.delete(key);
    this.chars -= key.length + entry.json.length;
  }
}
