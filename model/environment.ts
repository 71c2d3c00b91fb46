/**
 * A container's plain environment variables: names ECS and Linux can carry, values that are not
 * credentials (by name or by value: those belong in `secrets`), and sizes a task definition can
 * hold. Each problem is reported at `services.<s>.containers.<c>.environment.<NAME>`.
 */
import { IssueList } from "./errors";
import { LIMITS } from "./limits";
import { secretReason } from "./secrets";

/** C0 controls, DEL and C1 controls: a name with one cannot be written into `NAME=value`. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const MOVE = "move it to secrets (a Secrets Manager or SSM parameter ARN) so it never appears in the task definition";

export function checkEnvironment(env: Record<string, unknown>, base: PropertyKey[], issues: IssueList): void {
  let total = 0;
  let largest: { name: string; bytes: number } | undefined;
  for (const [name, value] of Object.entries(env)) {
    const path = [...base, name];
    const nameProblem = environmentNameProblem(name);
    if (nameProblem) issues.add(path, nameProblem);
    const why = secretReason(name, value);
    // The variable's value is never echoed: the message is printed in CI logs and pull requests.
    if (why) issues.add(path, why === "its name says it is a credential" ? `looks like a secret; ${MOVE}` : `${why}; ${MOVE}`);
    if (typeof value !== "string") continue;
    const bytes = Buffer.byteLength(name) + Buffer.byteLength(value);
    total += bytes;
    if (!largest || bytes > largest.bytes) largest = { name, bytes };
    if (bytes > LIMITS.taskDefinitionBytes.max)
      issues.add(path, `is ${kib(bytes)} KiB, and ECS accepts a whole task definition of at most ${kib(LIMITS.taskDefinitionBytes.max)} KiB; put large values in a file of the image, or in S3 or SSM`);
  }
  // Together they can overflow the task definition where none does alone: name the largest.
  if (largest && total > LIMITS.taskDefinitionBytes.max && largest.bytes <= LIMITS.taskDefinitionBytes.max)
    issues.add([...base, largest.name], `is the largest of this container's environment values, which add up to ${kib(total)} KiB; ECS accepts a whole task definition of at most ${kib(LIMITS.taskDefinitionBytes.max)} KiB`);
}

/** Why ECS (or the process it starts) cannot carry a variable of this name, or undefined. */
export function environmentNameProblem(name: string): string | undefined {
  if (name.length === 0) return "an environment variable needs a name";
  if (name.includes("=")) return "an environment variable's name cannot contain '=' (the process sees NAME=value, so the name would end at the '=')";
  if (CONTROL.test(name)) return "an environment variable's name cannot contain control characters (newlines, tabs, NUL)";
  if (/\s/.test(name)) return "an environment variable's name cannot contain spaces";
  if (name.length > LIMITS.environmentName.max) return `an environment variable's name must be at most ${LIMITS.environmentName.max} characters long, got ${name.length}`;
  return undefined;
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
