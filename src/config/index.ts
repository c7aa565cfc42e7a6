export type { ConfigIssue } from './parse-config.js';
export { configIssues, parseConfig, suggest } from './parse-config.js';
