/**
 * The one base of every fargate-mesh component: type token, child naming, parenting and tags
 * are enforced here instead of in each component.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RoleScope } from "./service/iam";

export type Tags = Record<string, string>;

export abstract class MeshComponent extends pulumi.ComponentResource {
  /** The Pulumi name of this component; children are named `<name>-<suffix>`. */
  protected readonly baseName: string;
  protected readonly tags: Tags;

  constructor(className: string, name: string, tags: Tags | undefined, opts?: pulumi.ComponentResourceOptions) {
    super(`fargate-mesh:index:${className}`, name, {}, opts);
    this.baseName = name;
    this.tags = { ...(tags ?? {}), "fargate-mesh:component": className };
  }

  /** Pulumi resource name of a child: stable identity, independent of AWS display names. */
  protected child(suffix: string): string {
    return `${this.baseName}-${suffix}`;
  }

  /** Options for a child: always parented to this component. */
  protected opts(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...extra, parent: this };
  }

  /** Tags for a taggable child, with a Name tag when a display name helps in the console. */
  protected tagged(extra?: Tags, displayName?: string): Tags {
    return { ...this.tags, ...(extra ?? {}), ...(displayName ? { Name: displayName } : {}) };
  }

  /**
   * The account, region and partition this component's provider deploys to, for the ARNs of
   * trust conditions (`aws:SourceArn`); looked up, so a component used alone needs no argument.
   */
  protected roleScope(): pulumi.Output<RoleScope> {
    const o = { parent: this };
    return pulumi.all([aws.getCallerIdentityOutput({}, o).accountId, aws.getRegionOutput({}, o).region, aws.getPartitionOutput({}, o).partition])
      .apply(([account, region, partition]) => ({ account, region, partition }));
  }
}
