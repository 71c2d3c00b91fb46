/**
 * A container health check as ECS runs it (Docker's HEALTHCHECK semantics, which the ECS agent
 * reports): the first probe one interval after the container starts, then one interval after
 * each probe ends; a probe slower than the timeout fails; any success is HEALTHY at once; a
 * failure counts only after the start period, or once the container has been healthy;
 * `retries` consecutive counted failures are UNHEALTHY. Docker's "starting" is ECS's UNKNOWN.
 */
export type Health = "UNKNOWN" | "HEALTHY" | "UNHEALTHY";

export interface HealthCheckDef { command: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number }

/** ECS's defaults for the fields a task definition leaves out (seconds). */
export const ECS_HEALTH_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };

export class HealthState {
  status: Health = "UNKNOWN";
  private failures = 0;
  readonly transitions: { at: number; status: Health }[] = [];
  private readonly d: Required<Omit<HealthCheckDef, "command">>;

  constructor(def: HealthCheckDef, private readonly startedAt: number) {
    this.d = { ...ECS_HEALTH_DEFAULTS, ...Object.fromEntries(Object.entries(def).filter(([, v]) => v !== undefined)) } as never;
  }

  get interval() { return this.d.interval; }
  get timeout() { return this.d.timeout; }

  /** Takes one probe's result at time `at` (ms); returns the status after it. */
  record(ok: boolean, at: number): Health {
    if (ok) { this.failures = 0; return this.set("HEALTHY", at); }
    const inStartPeriod = this.status === "UNKNOWN" && at - this.startedAt < this.d.startPeriod * 1000;
    if (inStartPeriod) return this.status;
    if (++this.failures >= this.d.retries) return this.set("UNHEALTHY", at);
    return this.status;
  }

  private set(status: Health, at: number): Health {
    if (status !== this.status) { this.status = status; this.transitions.push({ at, status }); }
    return status;
  }
}

/** The argv a health check command runs: `CMD` takes the rest as is, `CMD-SHELL` one shell line. */
export function healthArgv(command: string[]): string[] {
  const [kind, ...rest] = command;
  if (kind === "CMD") return rest;
  if (kind === "CMD-SHELL") return ["/bin/sh", "-c", rest.join(" ")];
  throw new Error(`health check command must start with CMD or CMD-SHELL, got ${kind}`);
}
