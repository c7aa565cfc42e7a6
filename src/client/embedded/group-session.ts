import { hostname } from 'node:os';
import { GroupError } from '../../errors.js';
import type { PartitionAssignor } from '../../group/assignors/types.js';
import {
  decodeAssignment,
  encodeSubscription,
  membersFromJoin,
  performAssignment,
} from '../../group/index.js';
import type { GroupCoordinator, JoinGroupResponse } from '../../group/types.js';
import type { TopicPartition, TopicPartitionOffset } from '../records.js';
import type { EmbeddedLog } from './embedded-log.js';
import { tpKey } from './partition-fetcher.js';

/** What the session asks of its consumer when partitions move. */
export interface SessionHost {
  /** The topics the consumer subscribes to now (RegExps resolved against the log). */
  topics(): Promise<string[]>;
  owned(): TopicPartition[];
  /** Gives partitions up cleanly: waits for their batches in process, commits, tells the listener. */
  revoke(partitions: TopicPartition[]): Promise<void>;
  /** Drops partitions another member may already own (this member was fenced): no commit. */
  lose(partitions: TopicPartition[]): Promise<void>;
  /** Starts reading newly assigned partitions from their committed offsets. */
  assign(partitions: TopicPartition[]): Promise<void>;
  /** A failure the consumer cannot recover from by rejoining (reported to its reader). */
  failed(error: unknown): void;
}

export interface SessionSettings {
  groupId: string;
  clientId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  assignors: PartitionAssignor[];
}

/**
 * In-process heartbeats are a function call, so the embedded member beats at least this often: a rebalance
 * started by another member's join or clean leave reaches it within this many milliseconds.
 */
const EMBEDDED_HEARTBEAT_MS = 20;
/** How often the member checks its subscription (new topics matching a RegExp, added partitions). */
const METADATA_CHECK_MS = 1000;

// Codes after which the member must rejoin from scratch: its partitions may already belong to someone else.
const FENCED = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

/**
 * One consumer's membership in a group, spoken in the consumer protocol as a Kafka client would: JoinGroup with
 * its subscription per assignor, the leader runs the chosen assignor and hands the plan to SyncGroup, heartbeats
 * keep the session, and LeaveGroup ends it at once. Eager assignors give up every partition before rejoining;
 * with only cooperative assignors, partitions that stay keep flowing and moved ones are revoked, then handed out
 * in a second round (KIP-429).
 */
export class GroupSession {
  memberId = '';
  generationId = -1;
  private rejoinNeeded = false;
  private rebalancing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastMetadataCheck = 0;
  private joinedWith = '';
  private closed = false;
  private readonly cooperative: boolean;

  constructor(
    private readonly coordinator: GroupCoordinator,
    private readonly log: EmbeddedLog,
    private readonly settings: SessionSettings,
    private readonly host: SessionHost,
  ) {
    this.cooperative = settings.assignors.every((a) => a.rebalanceProtocol === 'COOPERATIVE');
  }

  /** Joins the group; resolves once the first assignment is applied, rejects when joining fails for good. */
  async start(): Promise<void> {
    this.rejoinNeeded = true;
    await this.rebalance(true);
    this.timer ??= setInterval(
      () => void this.beat(),
      Math.min(this.settings.heartbeatIntervalMs, EMBEDDED_HEARTBEAT_MS),
    );
    this.timer.unref();
  }

  /** Asks for a rebalance (a changed subscription); resolves when this member has its new assignment. */
  requestRejoin(): Promise<void> {
    this.rejoinNeeded = true;
    return this.rebalance(false);
  }

  /** Resolves when no rebalance runs. */
  settled(): Promise<void> {
    return this.rebalancing ?? Promise.resolve();
  }

  /** Commits `offsets` as this member; throws the first per-partition error. */
  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const results = await this.coordinator.commitOffsets({
      groupId: this.settings.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      offsets,
    });
    const failed = results.find((r) => r.error);
    if (failed?.error) throw failed.error;
  }

  /** Leaves the group at once, so the others rebalance without waiting for the session timeout. */
  async leave(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.rebalancing?.catch(() => {});
    if (!this.memberId) return;
    const memberId = this.memberId;
    this.memberId = '';
    await this.coordinator
      .leaveGroup({ groupId: this.settings.groupId, members: [{ memberId, reason: 'consumer closed' }] })
      .catch(() => {});
  }

  private rebalance(first: boolean): Promise<void> {
    if (!this.rebalancing) {
      const run = this.rebalanceLoop(first).finally(() => {
        if (this.rebalancing === run) this.rebalancing = null;
      });
      this.rebalancing = run;
    }
    return this.rebalancing;
  }

  private async rebalanceLoop(first: boolean): Promise<void> {
    let attempts = 0;
    while (this.rejoinNeeded && !this.closed) {
      this.rejoinNeeded = false;
      try {
        await this.joinAndSync();
        attempts = 0;
      } catch (error) {
        if (!(error instanceof GroupError) || this.closed) throw error;
        if (FENCED.has(error.code)) await this.fenced(error.code);
        else if (!error.retriable && error.code !== 'REBALANCE_IN_PROGRESS') {
          if (first) throw error;
          this.host.failed(error);
          return;
        }
        this.rejoinNeeded = true;
        if (++attempts > 1) await delay(Math.min(1000, 10 * 2 ** attempts));
      }
    }
  }

  private async joinAndSync(): Promise<void> {
    if (!this.cooperative) await this.host.revoke(this.host.owned());
    const topics = await this.host.topics();
    this.joinedWith = await this.metadataSignature(topics);
    this.lastMetadataCheck = Date.now();
    const metadata = encodeSubscription({
      topics,
      ownedPartitions: this.cooperative ? this.host.owned() : [],
    });
    const join = await this.coordinator.joinGroup({
      groupId: this.settings.groupId,
      memberId: this.memberId,
      clientId: this.settings.clientId,
      clientHost: hostname(),
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      rebalanceTimeoutMs: this.settings.rebalanceTimeoutMs,
      protocolType: 'consumer',
      protocols: this.settings.assignors.map((a) => ({ name: a.name, metadata })),
    });
    this.memberId = join.memberId;
    this.generationId = join.generationId;
    const assignments = join.leaderId === join.memberId ? await this.assign(join) : [];
    const sync = await this.coordinator.syncGroup({
      groupId: this.settings.groupId,
      generationId: join.generationId,
      memberId: join.memberId,
      protocolType: 'consumer',
      protocolName: join.protocolName,
      assignments,
    });
    const assigned = decodeAssignment(sync.assignment).partitions;
    const keep = new Set(assigned.map((tp) => tpKey(tp.topic, tp.partition)));
    const owned = this.host.owned();
    const ownedKeys = new Set(owned.map((tp) => tpKey(tp.topic, tp.partition)));
    const revoked = owned.filter((tp) => !keep.has(tpKey(tp.topic, tp.partition)));
    const added = assigned.filter((tp) => !ownedKeys.has(tpKey(tp.topic, tp.partition)));
    if (revoked.length > 0) {
      await this.host.revoke(revoked);
      // KIP-429: revoked partitions are handed to their new owners in the rebalance this rejoin starts.
      if (this.cooperative) this.rejoinNeeded = true;
    }
    if (added.length > 0) await this.host.assign(added);
  }

  /** The leader's part: decode every subscription, run the chosen assignor, encode each member's share. */
  private async assign(join: JoinGroupResponse): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.settings.assignors.find((a) => a.name === join.protocolName);
    if (!assignor) {
      throw new GroupError(
        'INCONSISTENT_GROUP_PROTOCOL',
        this.settings.groupId,
        `the group chose assignor "${join.protocolName}", which this consumer does not have`,
      );
    }
    const topics = new Set(membersFromJoin(join.members).flatMap((m) => m.topics));
    const partitionsPerTopic = new Map<string, number>();
    for (const topic of topics) {
      if (this.log.hasTopic(topic))
        partitionsPerTopic.set(topic, (await this.log.describeTopic(topic)).partitions);
    }
    return performAssignment(assignor, join.members, partitionsPerTopic);
  }

  private async beat(): Promise<void> {
    if (this.closed || this.rebalancing || !this.memberId) return;
    try {
      if (Date.now() - this.lastMetadataCheck >= METADATA_CHECK_MS) {
        this.lastMetadataCheck = Date.now();
        if ((await this.metadataSignature(await this.host.topics())) !== this.joinedWith) {
          void this.requestRejoin().catch((e) => this.host.failed(e));
          return;
        }
      }
      await this.coordinator.heartbeat({
        groupId: this.settings.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
      });
    } catch (error) {
      if (this.closed || this.rebalancing) return;
      if (error instanceof GroupError && FENCED.has(error.code)) await this.fenced(error.code);
      else if (
        !(error instanceof GroupError) ||
        (error.code !== 'REBALANCE_IN_PROGRESS' && !error.retriable)
      ) {
        this.host.failed(error);
        return;
      }
      void this.requestRejoin().catch((e) => this.host.failed(e));
    }
  }

  private async fenced(code: string): Promise<void> {
    await this.host.lose(this.host.owned());
    if (code === 'UNKNOWN_MEMBER_ID') this.memberId = '';
    this.generationId = -1;
  }

  /** Topics and their partition counts: when it changes, the member rejoins so the leader assigns afresh. */
  private async metadataSignature(topics: string[]): Promise<string> {
    const parts: string[] = [];
    for (const topic of [...topics].sort()) {
      parts.push(
        `${topic}:${this.log.hasTopic(topic) ? (await this.log.describeTopic(topic)).partitions : 0}`,
      );
    }
    return parts.join(',');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
