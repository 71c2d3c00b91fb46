/** Running system commands for the rehearsal: `ip`, `iptables` and processes in namespaces. */
import { execFileSync, spawnSync } from "child_process";

// ip, iptables and dnsmasq live in sbin, which a non-login PATH may lack.
for (const dir of ["/usr/sbin", "/sbin"]) if (!(process.env.PATH ?? "").split(":").includes(dir)) process.env.PATH = `${process.env.PATH ?? "/usr/bin:/bin"}:${dir}`;

/** Runs a command and returns its stdout; throws with its stderr. */
export function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], input });
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(`${cmd} ${args.join(" ")}: ${(err.stderr ?? String(e)).trim()}`);
  }
}

/** Runs a command, ignoring failure (cleanup of what may already be gone). */
export function tryRun(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/** In network namespace `ns`. */
export const inNs = (ns: string, cmd: string, args: string[]) => run("ip", ["netns", "exec", ns, cmd, ...args]);

/**
 * Why the rehearsal cannot run here, or undefined: it needs Linux, root (network namespaces and
 * iptables), and the commands it drives.
 */
export function rehearsalUnavailable(): string | undefined {
  if (process.platform !== "linux") return `the rehearsal needs Linux (network namespaces and iptables); this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "the rehearsal needs root, for network namespaces and iptables (CI runs as root): run it with sudo";
  for (const [cmd, pkg] of [["ip", "iproute2"], ["iptables", "iptables"], ["dnsmasq", "dnsmasq-base"], ["setpriv", "util-linux"]])
    if (spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status !== 0)
      return `the rehearsal needs ${cmd}: install the Debian package ${pkg} (apt-get install ${pkg})`;
  return undefined;
}
