/**
 * The one base of every fargate-mesh component: type token, child naming, parenting and tags
 * are enforced here instead of in each component.
 */
import * as pulumi from "@pulumi/pulumi";

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
}
