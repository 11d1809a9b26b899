import pg from 'pg';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

export type ChannelListenerOptions = {
  /** How to connect (a pool's `options` will do). */
  connection: pg.ClientConfig;
  channel: string;
  /** A notification's payload. */
  onNotification: (payload: string) => void;
  /**
   * Notifications may have been missed: called when listening starts (or starts again after a lost
   * connection; what was sent meanwhile was not heard) and when the connection is lost.
   */
  onGap: () => void;
};

/**
 * One LISTEN connection with reconnection (backoff 0.5 s doubling to 30 s) for caches that follow a
 * NOTIFY channel. `live()` says whether notifications are being heard right now: a cache must not trust
 * what it holds otherwise. The connection never keeps the process alive on its own.
 */
export class ChannelListener {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private closed = false;

  constructor(private readonly options: ChannelListenerOptions) {}

  live(): boolean {
    return this.client !== undefined;
  }

  /** Starts listening (idempotent); resolves after the attempt (`live()` says whether it worked). */
  start(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.options.connection);
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      this.options.onGap();
      this.scheduleReconnect();
    };
    client.on('notification', (message) => {
      if (message.channel === this.options.channel && message.payload) this.options.onNotification(message.payload);
    });
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      await client.query(`LISTEN "${this.options.channel.replace(/"/g, '""')}"`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.reconnectDelayMs = RECONNECT_MIN_MS;
      this.options.onGap(); // whatever was sent before LISTEN took effect was not heard
    } catch {
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.start();
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
  }
}
