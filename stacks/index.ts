// Entry point for `pulumi up --stack <env>` (Pulumi.yaml: main: stacks/index.ts, a file, so Pulumi
// never substitutes package.json's main, the library). Exports become stack outputs.
import { program } from "./program";

const outputs = program();
export const nlbDnsName = outputs.nlbDnsName;
export const url = outputs.url;
export const meshName = outputs.meshName;
export const clusterName = outputs.clusterName;
export const serviceNames = outputs.serviceNames;
