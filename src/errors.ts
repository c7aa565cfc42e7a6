/**
 * Every error sluice raises on purpose is a {@link SluiceError}: it has a stable `code` that scripts can match on,
 * says whether retrying can help, and carries the cause. Subclasses add typed context (topic, partition, file, line)
 * so that a message can name exactly what went wrong and callers need not parse it.
 *
 * Messages say what happened and what to do: `topic "orders" has 3 partitions; partition 5 does not exist`.
 */
export class SluiceError extends Error {
  /** Stable, upper-snake-case identifier, e.g. `OFFSET_OUT_OF_RANGE`. Never changes once released. */
  readonly code: string;
  /** True when the same call may succeed later without any change by the caller. */
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A configuration value is missing, unknown or of the wrong type. `key` names it; `suggestion` is the nearest valid one. */
export class ConfigError extends SluiceError {
  readonly key: string | undefined;
  readonly suggestion: string | undefined;
  constructor(message: string, context: { key?: string; suggestion?: string; cause?: unknown } = {}) {
    super('INVALID_CONFIG', message, { cause: context.cause });
    this.key = context.key;
    this.suggestion = context.suggestion;
  }
}

/** A topic name Kafka would refuse, or one that could escape the log directory. */
export class InvalidTopicError extends SluiceError {
  readonly topic: string;
  constructor(topic: string, reason: string) {
    super('INVALID_TOPIC_EXCEPTION', `invalid topic name ${JSON.stringify(topic)}: ${reason}`);
    this.topic = topic;
  }
}

export class UnknownTopicError extends SluiceError {
  readonly topic: string;
  constructor(topic: string, hint = 'create it first (sluice topics create) or enable auto-creation') {
    super('UNKNOWN_TOPIC_OR_PARTITION', `topic ${JSON.stringify(topic)} does not exist; ${hint}`);
    this.topic = topic;
  }
}

export class TopicExistsError extends SluiceError {
  readonly topic: string;
  constructor(topic: string) {
    super('TOPIC_ALREADY_EXISTS', `topic ${JSON.stringify(topic)} already exists`);
    this.topic = topic;
  }
}

export class UnknownPartitionError extends SluiceError {
  readonly topic: string;
  readonly partition: number;
  constructor(topic: string, partition: number, partitions: number) {
    super(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `topic ${JSON.stringify(topic)} has ${partitions} partition${partitions === 1 ? '' : 's'}; partition ${partition} does not exist`,
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/** A partition count that cannot be: below 1, or a decrease (Kafka only ever adds partitions). */
export class InvalidPartitionsError extends SluiceError {
  readonly topic: string;
  constructor(topic: string, message: string) {
    super('INVALID_PARTITIONS', `topic ${JSON.stringify(topic)}: ${message}`);
    this.topic = topic;
  }
}

export class OffsetOutOfRangeError extends SluiceError {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint | number;
  constructor(
    topic: string,
    partition: number,
    offset: bigint | number,
    start: bigint | number,
    end: bigint | number,
  ) {
    super(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} is out of range for ${topic}-${partition}: valid offsets are ${start} to ${end} (the log end)`,
    );
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }
}

/** Bytes on disk or on the wire that do not parse: a bad CRC, a torn batch, a length that runs past the end. */
export class CorruptRecordError extends SluiceError {
  readonly file: string | undefined;
  readonly position: number | undefined;
  /** For damage met by a read: the first offset after the damage, where a reader may seek to go on. */
  readonly nextOffset: number | undefined;
  constructor(
    message: string,
    context: { file?: string; position?: number; nextOffset?: number; cause?: unknown } = {},
  ) {
    super('CORRUPT_MESSAGE', message, { cause: context.cause });
    this.file = context.file;
    this.position = context.position;
    this.nextOffset = context.nextOffset;
  }
}

/** A record batch whose CRC is sound but whose header and records disagree (Kafka's INVALID_RECORD). */
export class InvalidRecordError extends SluiceError {
  readonly position: number | undefined;
  constructor(message: string, context: { position?: number } = {}) {
    super('INVALID_RECORD', message);
    this.position = context.position;
  }
}

/** Another process holds the log directory's lock. */
export class LogLockedError extends SluiceError {
  readonly dir: string;
  constructor(dir: string, holder: string) {
    super(
      'LOG_DIR_LOCKED',
      `log directory ${dir} is in use by another process (${holder}); stop it, or reach the log over the Kafka protocol with --bootstrap-server (served by \`sluice broker\`, or \`sluice run --serve\`)`,
    );
    this.dir = dir;
  }
}

/** The log was closed, or failed fatally (an fsync error), and accepts no more calls. */
export class LogClosedError extends SluiceError {
  constructor(what: string, cause?: unknown) {
    super('LOG_CLOSED', `${what} is closed${cause ? ' after a fatal error' : ''}`, { cause });
  }
}

/** A record or batch larger than the topic's `max.message.bytes`. */
export class RecordTooLargeError extends SluiceError {
  constructor(size: number, limit: number, topic: string) {
    super(
      'MESSAGE_TOO_LARGE',
      `batch of ${size} bytes exceeds max.message.bytes=${limit} of topic ${JSON.stringify(topic)}; raise it or send smaller batches`,
    );
  }
}

/** An input row or record that cannot be used; `file` and `line` point at it when it came from a file. */
export class BadInputError extends SluiceError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  constructor(message: string, context: { file?: string; line?: number; cause?: unknown } = {}) {
    super('BAD_INPUT', message, { cause: context.cause });
    this.file = context.file;
    this.line = context.line;
  }
}

/**
 * A JSONata expression failed on a value, carrying JSONata's own error code (`T2001`, `D3030`, ...) as `code`, its
 * message, and the character `position` of the failing token in `expression`, as jsonata reports them.
 */
export class ExpressionError extends SluiceError {
  readonly expression: string;
  readonly position: number | undefined;
  readonly token: string | undefined;
  constructor(
    expression: string,
    error: { code: string; message?: string; position?: number; token?: string },
  ) {
    const at = error.position === undefined ? '' : ` at character ${error.position}`;
    super(
      error.code,
      `${error.message ?? 'expression failed'} (JSONata ${error.code}${at} of ${JSON.stringify(expression)})`,
      { cause: error },
    );
    this.expression = expression;
    this.position = error.position;
    this.token = error.token;
  }
}

/** Group coordination failures, carrying Kafka's error code names (`ILLEGAL_GENERATION`, `UNKNOWN_MEMBER_ID`, ...). */
export class GroupError extends SluiceError {
  readonly groupId: string;
  constructor(code: string, groupId: string, message: string, retriable = false) {
    super(code, `group ${JSON.stringify(groupId)}: ${message}`, { retriable });
    this.groupId = groupId;
  }
}

/**
 * JoinGroup v4+ refuses a first join (KIP-394) so that a member id exists before the member counts; the client
 * joins again with `memberId`.
 */
export class MemberIdRequiredError extends GroupError {
  readonly memberId: string;
  constructor(groupId: string, memberId: string) {
    super('MEMBER_ID_REQUIRED', groupId, `join again with member id ${JSON.stringify(memberId)}`, true);
    this.memberId = memberId;
  }
}

/**
 * A client call made in a state that does not allow it: `CLIENT_CLOSED` (after close), `NOT_ASSIGNED` (seek or
 * pause of a partition the consumer does not own), `READ_IN_PROGRESS` (a second way to read started while one runs),
 * `SUBSCRIPTION_CONFLICT` (subscribe and assign mixed on one consumer).
 */
export class ClientStateError extends SluiceError {
  constructor(
    code: 'CLIENT_CLOSED' | 'NOT_ASSIGNED' | 'READ_IN_PROGRESS' | 'SUBSCRIPTION_CONFLICT',
    message: string,
  ) {
    super(code, message);
  }
}

/** A state store asked for by name (`app.store(name)`) that no running operator made, or one of another kind. */
export class UnknownStoreError extends SluiceError {
  readonly store: string;
  constructor(store: string, known: readonly string[], expected?: string) {
    super(
      'UNKNOWN_STATE_STORE',
      expected === undefined
        ? `no state store named ${JSON.stringify(store)}; the running app has ${known.length === 0 ? 'none' : known.map((k) => JSON.stringify(k)).join(', ')} (name stores with the operators' \`store\` option)`
        : `state store ${JSON.stringify(store)} is not a ${expected} store; query it with the accessor of its kind`,
    );
    this.store = store;
  }
}

/** A consumer has no committed offset for a partition and `auto.offset.reset` is `none`. */
export class NoOffsetError extends SluiceError {
  readonly topic: string;
  readonly partition: number;
  constructor(topic: string, partition: number) {
    super(
      'NO_OFFSET_FOR_PARTITION',
      `${topic}-${partition} has no committed offset and auto.offset.reset is none; commit or seek to an offset first`,
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/**
 * A transactional producer call the transaction's state does not allow, with Kafka's codes: `PRODUCER_FENCED` (a
 * newer producer with the same transactional id took over: this one must close), `INVALID_TXN_STATE` (send or
 * commit without an open transaction, a second transaction while one is open), `INVALID_PRODUCER_EPOCH`.
 */
export class TransactionError extends SluiceError {
  readonly transactionalId: string;
  constructor(
    code: 'PRODUCER_FENCED' | 'INVALID_TXN_STATE' | 'INVALID_PRODUCER_EPOCH',
    transactionalId: string,
    message: string,
  ) {
    super(code, `transactional id ${JSON.stringify(transactionalId)}: ${message}`);
    this.transactionalId = transactionalId;
  }
}
