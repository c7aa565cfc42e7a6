export { cooperativeStickyAssign, cooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
export {
  assignorByName,
  builtInAssignors,
  membersFromJoin,
  performAssignment,
} from './perform-assignment.js';
export { rangeAssign, rangeAssignor } from './range-assignor.js';
export { roundRobinAssign, roundRobinAssignor } from './round-robin-assignor.js';
export type {
  AssignmentPlan,
  AssignorMember,
  PartitionAssignor,
  PartitionsPerTopic,
  RebalanceProtocol,
} from './types.js';
