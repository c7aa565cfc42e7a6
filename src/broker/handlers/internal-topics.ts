/**
 * Topics Kafka marks internal: clients skip them in listings, and the broker refuses their writes to them
 * (INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic"), because the coordinators trust what they hold:
 * a forged `__consumer_offsets` record would move another group's committed offset.
 */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);
