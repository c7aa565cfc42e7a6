import type { GroupProtocol, JoinGroupResponse, SyncGroupResponse, TimerHandle } from './types.js';

/** A promise with its settle functions, for requests that wait for the rest of the group. */
export interface Waiter<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function waiter<T>(): Waiter<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One member of a group: who it is, what it supports, and the requests it has waiting. */
export class Member {
  assignment: Buffer = Buffer.alloc(0);
  /** Set while a JoinGroup waits for the rebalance to complete. */
  joinWaiter: Waiter<JoinGroupResponse> | null = null;
  /** Set while a SyncGroup waits for the leader's assignments. */
  syncWaiter: Waiter<SyncGroupResponse> | null = null;
  sessionTimer: TimerHandle | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocolType: string,
    public protocols: GroupProtocol[],
  ) {}

  /** The subscription bytes this member sent for `protocolName` (empty when it does not support it). */
  metadataFor(protocolName: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? Buffer.alloc(0);
  }

  /** True when `protocols` are the ones this member joined with, names and bytes in the same order. */
  sameProtocols(protocols: readonly GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata),
      )
    );
  }

  /** Fails whatever the member has waiting (it was removed, fenced, or the coordinator closed). */
  failWaiting(error: Error): void {
    this.joinWaiter?.reject(error);
    this.syncWaiter?.reject(error);
    this.joinWaiter = null;
    this.syncWaiter = null;
  }

  stopSession(): void {
    this.sessionTimer?.cancel();
    this.sessionTimer = null;
  }
}
