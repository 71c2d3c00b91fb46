/**
 * npm run rehearse -- (--stack <name> | --config <file>) [--check | --request "<FROM> <METHOD> <url or path> [name:value]..." [--count N] [--json]]
 * Runs the plan's data plane on this machine with the real Envoy (tools/rehearse/): every task in
 * its own network namespace, ECS's interception rules, Cloud Map as DNS, the NLB as a port
 * forward. With no flag it prints where the gateway answers and runs until interrupted; --check
 * runs the stack's expectations with real requests; --request sends N requests and prints where
 * they went. Everything it made is removed on exit, on SIGINT and after a crash (the next run).
 * Exit 1 for a failed expectation or invalid config, 2 for wrong arguments, 3 where it cannot run.
 */
import * as fs from "fs";
import { parseFlags, SOURCE_OPTIONS, sourceFlags, usageExit } from "./args";
import { envoyBinary } from "./envoy/binary";
import { plan, planSources } from "./plan-core";
import { issuesText } from "./plan-format";
import { expectationsFile, readExpectations } from "./routing/expectations";
import { parseRequest } from "./routing/request";
import { checkTraffic } from "./rehearse/check";
import { Rehearsal } from "./rehearse/session";
import { rehearsalUnavailable } from "./rehearse/sys";

export const FLAGS = { "--stack": "value", "--config": "value", "--check": "flag", "--request": "value", "--count": "value", "--json": "flag" } as const;
const usage = usageExit({
  tool: "rehearse",
  forms: ['(--stack <name> | --config <file>) [--check [--count N] | --request "<FROM> <METHOD> <url or path> [name:value]..." [--count N] [--json]]'],
  about: "Runs the plan's data plane on this machine with the real Envoy, each task in its own network namespace (Linux, root). With no flag it prints where the gateway answers and runs until interrupted. Exit 1 for a failed expectation or invalid config, 2 for wrong arguments, 3 where it cannot run.",
  options: [
    SOURCE_OPTIONS.stack, SOURCE_OPTIONS.config,
    ["--check", "send real requests for every expectation of the stack's expectations file"],
    ["--request <request>", 'send requests "FROM METHOD URL [name:value]..." and print where they went'],
    ["--count <N>", "requests per expectation or --request (1 to 10000; 200 with --check, 100 otherwise)"],
    ["--json", "print --request's result as JSON"],
  ],
});

function parseArgs(argv: string[]) {
  const p = parseFlags(argv, FLAGS, usage);
  const count = Number(p.value["--count"] ?? (p.flag["--check"] ? 200 : 100));
  if (!Number.isInteger(count) || count < 1 || count > 10000) usage("--count must be a whole number from 1 to 10000");
  if (p.flag["--check"] && p.value["--request"]) usage("give --check or --request, not both");
  return { ...sourceFlags(p, usage), check: p.flag["--check"], request: p.value["--request"], count, json: p.flag["--json"] };
}

/** `FROM METHOD TARGET name:value...`: the request and headers read as `npm run routes` reads them. */
function parseRequestFlag(text: string) {
  const [from, method, target, ...headers] = text.trim().split(/\s+/);
  if (!from || !method || !target) usage(`--request "${text}": write FROM METHOD URL, such as "gateway GET /router" or "blue GET http://red.colors.local/"`);
  try {
    return { from, target, ...parseRequest(`${method} ${target}`, headers) };
  } catch (e) { return usage(`--request "${text}": ${(e as Error).message}`); }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const why = rehearsalUnavailable();
  if (why) { process.stderr.write(`npm run rehearse: ${why}\n`); process.exit(3); }
  const [src] = planSources(args);
  const r = await plan(src);
  if (!r.ok) { process.stderr.write(issuesText(r.stack, r.issues) + "\n"); process.exit(1); }
  if (r.plan.model.dataPlane !== "envoy") { process.stderr.write(`stack ${r.plan.stack} runs the ${r.plan.model.dataPlane} data plane; the rehearsal runs the envoy data plane only\n`); process.exit(3); }
  const envoy = envoyBinary();
  const t0 = Date.now();
  process.stderr.write(`Starting ${r.plan.stack}: Envoy ${envoy.release}, ${r.plan.model.nodes.length} services and the gateway...\n`);
  const session = await new Rehearsal(r.plan, { envoy: envoy.path, envoyImage: r.plan.model.envoy.image }).start();
  process.stderr.write(`${session.mesh.tasks.length} tasks HEALTHY after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  try {
    if (args.check) {
      const file = expectationsFile(src);
      if (!fs.existsSync(file)) { process.stdout.write(`Stack ${r.plan.stack}: no expectations (${file})\n`); return; }
      const results = await checkTraffic(session, readExpectations(file), args.count);
      const bad = results.filter((x) => !x.ok).length;
      process.stdout.write(`Stack ${r.plan.stack}: ${results.length - bad} of ${results.length} expectations hold with ${args.count} requests each (${file})\n${results.map((x) => `  ${x.message}`).join("\n")}\n`);
      process.exitCode = bad ? 1 : 0;
    } else if (args.request) {
      const q = parseRequestFlag(args.request);
      const o = await session.request(q.from, q.method, q.target, args.count, q.headers);
      process.stdout.write(args.json ? JSON.stringify(o, null, 2) + "\n" : `${o.total} requests: ${JSON.stringify(o.byService)} by task ${JSON.stringify(o.byTask)} errors ${JSON.stringify(o.errors)}\n`);
    } else {
      const n = session.nlb;
      process.stdout.write(n
        ? `The gateway answers at http://${n.ip}:${n.port}/ inside the rehearsal: sudo ip netns exec ${session.client!.ns} curl http://${n.ip}:${n.port}/\nPress Ctrl-C to stop; everything is removed.\n`
        : "This stack has no gateway. Press Ctrl-C to stop; everything is removed.\n");
      await new Promise(() => {});
    }
  } finally {
    session.destroy();
  }
}

if (require.main === module) main().then(() => process.exit(process.exitCode ?? 0), (e) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exit(1); });
