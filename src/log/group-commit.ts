/**
 * Shares fsyncs between concurrent callers. `sync()` resolves once a sync that started after the call has
 * finished, so everything written before the call is durable. While one sync runs, all callers that arrive join
 * the single next one: n concurrent acks=all appends cost at most two fsyncs, not n.
 */
export class GroupCommit {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly doSync: () => Promise<void>) {}

  sync(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    const after = () => {
      this.next = null;
      return this.start();
    };
    this.next = this.running.then(after, after);
    return this.next;
  }

  /** Resolves when no sync is running or queued (errors are the callers' to see). */
  async idle(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)?.catch(() => {});
  }

  private start(): Promise<void> {
    const run = this.doSync().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
