import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { logsKeyPolicy, meshLogGroups } from "../model/logs-key";
import type { MeshModel } from "../model/types";
import { MeshComponent, Tags } from "./base";

export interface LogsKeyArgs {
  /** The mesh whose log groups the key encrypts (model/logs-key.ts lists them). */
  model: MeshModel;
  tags?: Tags;
}

/** The customer-managed KMS key of `logs.kmsKey: create`: rotated yearly, usable by CloudWatch Logs for the mesh's groups only. */
export class LogsKey extends MeshComponent {
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: LogsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("LogsKey", name, args.tags, opts);
    const m = args.model;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const key = new aws.kms.Key(this.child("key"), {
      description: `CloudWatch Logs of mesh ${m.mesh.name}`,
      enableKeyRotation: true,
      // The longest wait: a key deleted by mistake takes every log it encrypted with it.
      deletionWindowInDays: 30,
      policy: account.apply((a) => JSON.stringify(logsKeyPolicy(a, m.region, meshLogGroups(m)))),
      tags: this.tagged({}, `${m.mesh.name}-logs`),
    }, this.opts());
    new aws.kms.Alias(this.child("alias"), { name: `alias/${m.mesh.name}-logs`, targetKeyId: key.keyId }, this.opts());
    this.arn = key.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
