import type { PartitionAssignor } from '../../group/assignors/types.js';

/** The assignors the embedded client offers by default, by their consumer-protocol names. */
export const defaultAssignors: PartitionAssignor[] = [];
