/**
 * npm run envoy-config -- (--stack <name> | --config <file>) (--service <name> | --gateway)
 * Prints that Envoy's bootstrap as JSON, exactly as its task definition carries it.
 * Exit 1 for invalid config or an unknown service, 2 for wrong arguments.
 */
import { parseFlags, SOURCE_OPTIONS, sourceFlags, usageExit } from "./args";
import { bootstrapOf, EnvoyTarget } from "./envoy-config-core";
import { plan, planSources } from "./plan-core";
import { issuesText } from "./plan-format";

export const FLAGS = { "--stack": "value", "--config": "value", "--service": "value", "--gateway": "flag" } as const;
const usage = usageExit({
  tool: "envoy-config",
  forms: ["(--stack <name> | --config <file>) (--service <name> | --gateway)"],
  about: "Prints one Envoy's bootstrap as JSON, exactly as its task definition carries it. Exit 1 for invalid config or an unknown service, 2 for wrong arguments.",
  options: [SOURCE_OPTIONS.stack, SOURCE_OPTIONS.config, ["--service <name>", "the sidecar of this service"], ["--gateway", "the ingress gateway's Envoy"]],
});

function parseArgs(argv: string[]) {
  const p = parseFlags(argv, FLAGS, usage);
  const out = { ...sourceFlags(p, usage), service: p.value["--service"], gateway: p.flag["--gateway"] };
  if ((out.service === undefined) === !out.gateway) usage("give exactly one of --service <name> or --gateway");
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const [src] = planSources(args);
  const r = await plan(src);
  if (!r.ok) { process.stderr.write(issuesText(r.stack, r.issues) + "\n"); process.exit(1); }
  const target: EnvoyTarget = args.gateway ? { gateway: true } : { service: args.service! };
  const found = bootstrapOf(r.plan, target);
  if (!found.ok) { process.stderr.write(`${found.message}\n`); process.exit(1); }
  process.stdout.write(JSON.stringify(found.bootstrap, null, 2) + "\n");
}

if (require.main === module) main().catch((e) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exit(1); });
