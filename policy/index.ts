// The fargate-mesh policy pack: `pulumi preview --policy-pack policy/` (after `npm ci` in this folder).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("fargate-mesh", {
  // `info` is for the offline report and docs/policies.md; the engine takes the standard fields.
  policies: policies.map(({ info: _info, ...policy }) => policy),
});
