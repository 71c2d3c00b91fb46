/**
 * Environment variable names that look like credentials. Shared by the description's validation
 * and the policy pack (Trivy AWS-0036): such values belong in `secrets`, never in `environment`.
 */
export const SECRET_NAME = /(password|passwd|secret|token|api_?key|private_?key|credential)/i;
