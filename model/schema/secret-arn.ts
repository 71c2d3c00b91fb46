/**
 * ARNs of Secrets Manager secrets and SSM parameters, as ECS `valueFrom` takes them. Secrets
 * Manager adds `-` and six random letters and digits to a secret's name in its ARN
 * (`…:secret:db-AbCdEf`). ECS would find a secret by its ARN without them, but IAM compares the
 * full ARN, so a policy granting the shorter one matches nothing and the task cannot start.
 */
import { z } from "zod";
import { show } from "./common";

export const SECRET_OR_PARAMETER_ARN = /^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:|ssm:[a-z0-9-]+:\d{12}:parameter\/)/;
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * The secret's name as the ARN gives it (before a JSON key, version stage or id), when that
 * lacks the suffix; undefined otherwise, and for SSM parameters. A name that itself ends in `-`
 * and six letters or digits cannot be told apart (AWS advises against such names).
 */
export function secretWithoutSuffix(arn: string): string | undefined {
  if (!/^arn:aws[a-z-]*:secretsmanager:/.test(arn)) return undefined;
  const name = arn.split(":")[6] ?? "";
  return SECRET_SUFFIX.test(name) ? undefined : name;
}

/** A secret or parameter ARN; `error` says what is expected of anything else. */
export function secretArn(error: (input: unknown) => string) {
  return z.string().regex(SECRET_OR_PARAMETER_ARN, { error: (i) => error(i.input) }).superRefine((arn, ctx) => {
    const name = SECRET_OR_PARAMETER_ARN.test(arn) ? secretWithoutSuffix(arn) : undefined;
    if (name === undefined) return;
    ctx.addIssue({
      code: "custom", input: arn,
      message: `names the secret ${show(name)} without the 6-character suffix Secrets Manager adds to its ARN (…:secret:${name}-AbCdEf); `
        + `IAM matches the full ARN, so the execution role could not read it. Use the ARN that \`aws secretsmanager describe-secret --secret-id ${name} --query ARN\` prints`,
    });
  });
}
