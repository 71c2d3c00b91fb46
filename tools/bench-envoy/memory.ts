/**
 * Memory of the Envoy processes running in network namespaces, read from /proc: what each Envoy
 * holds (VmRSS), and the part of it that is its own (RssAnon: heap and stacks; the rest is the
 * binary's pages, which every Envoy on the machine shares).
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

export const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };

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
