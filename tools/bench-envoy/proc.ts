/**
 * The Envoy processes running in network namespaces, read from /proc: the memory each holds
 * (VmRSS), and the part of it that is its own (RssAnon: heap and stacks; the rest is the binary's
 * pages, which every Envoy on the machine shares); and the CPU time they have used, which other
 * tenants of a shared machine disturb far less than they disturb latency.
 */
import * as fs from "fs";
import { run } from "../rehearse/sys";

export interface EnvoyMemory { pid: number; ns: string; rssKiB: number; anonKiB: number }

const field = (status: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);

/** The Envoy processes in namespace `ns` (by the name they were started as: `envoy`). */
export function envoysIn(ns: string): EnvoyMemory[] {
  const pids = run("ip", ["netns", "pids", ns]).split("\n").filter(Boolean).map(Number);
  return pids.flatMap((pid) => {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "envoy") return [];
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      return [{ pid, ns, rssKiB: field(status, "VmRSS"), anonKiB: field(status, "RssAnon") }];
    } catch { return []; } // exited meanwhile
  });
}

/** CPU seconds (user and system, all threads) that process `pid` has used; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing paren): utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch { return 0; }
}

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture the bench runs on. */
const CLOCK_TICKS = 100;

/** The middle value (the mean of the two middle ones for an even count: no side favoured); NaN for none. */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median and largest RSS, and median RssAnon, in MiB. */
export function summary(envoys: EnvoyMemory[]): { count: number; rssMedianMiB: number; rssMaxMiB: number; anonMedianMiB: number } {
  const mib = (kib: number) => kib / 1024;
  return {
    count: envoys.length,
    rssMedianMiB: mib(median(envoys.map((e) => e.rssKiB))),
    rssMaxMiB: mib(Math.max(...envoys.map((e) => e.rssKiB))),
    anonMedianMiB: mib(median(envoys.map((e) => e.anonKiB))),
  };
}
