/**
 * The retention a stack states for its logs (`logs.retentionDays`), carried as a tag by every log
 * group the mesh creates: the policy pack sees resources only, so this is how it knows the minimum
 * a plan edited afterwards must still keep (policy/logs.ts), as PRODUCTION_TAG tells it production.
 */
export const LOG_RETENTION_TAG = "fargate-mesh:log-retention-days";

export const retentionTag = (days: number): Record<string, string> => ({ [LOG_RETENTION_TAG]: String(days) });
