/**
 * Authorized operations as Kafka reports them (KIP-430): a 32-bit field with bit n set when ACL operation n is
 * allowed. This broker has no authorizer, so every operation a resource type supports is allowed, which is what
 * Kafka answers without one.
 */

/** Kafka's AclOperation codes. */
enum AclOperation {
  Read = 3,
  Write = 4,
  Create = 5,
  Delete = 6,
  Alter = 7,
  Describe = 8,
  ClusterAction = 9,
  DescribeConfigs = 10,
  AlterConfigs = 11,
  IdempotentWrite = 12,
}

/** "Not asked for": the value Kafka's message definitions give these fields by default. */
export const OPERATIONS_NOT_ASKED = -2147483648;

function bitField(ops: AclOperation[]): number {
  return ops.reduce((bits, op) => bits | (1 << op), 0);
}

export const TOPIC_OPERATIONS = bitField([
  AclOperation.Read,
  AclOperation.Write,
  AclOperation.Create,
  AclOperation.Delete,
  AclOperation.Alter,
  AclOperation.Describe,
  AclOperation.DescribeConfigs,
  AclOperation.AlterConfigs,
]);

export const CLUSTER_OPERATIONS = bitField([
  AclOperation.Create,
  AclOperation.Alter,
  AclOperation.Describe,
  AclOperation.ClusterAction,
  AclOperation.DescribeConfigs,
  AclOperation.AlterConfigs,
  AclOperation.IdempotentWrite,
]);

export const GROUP_OPERATIONS = bitField([AclOperation.Read, AclOperation.Delete, AclOperation.Describe]);
