import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fit } from "../../../model/names";
import type { MeshModel } from "../../../model/types";
import { MeshComponent, Tags } from "../../base";
import type { Sidecar } from "../../service/sidecar";
import { appConfigEnvironment } from "./live-task";

export interface LiveRoutesArgs {
  model: MeshModel;
  tags?: Tags;
}

/** AppConfig names: 1 to 64 characters. */
const name64 = (s: string) => fit(s, 64);

/** The task role's grant: reading exactly its own route tables' configurations from AppConfig. */
export function appConfigStatement(configurationArns: string[]) {
  return { Sid: "ReadOwnRouteTables", Effect: "Allow", Action: ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"], Resource: [...configurationArns].sort() };
}

/**
 * `envoy.routeUpdates: live` in AWS AppConfig: the mesh's application, an instant deployment
 * strategy, and per caller and route table an environment, a hosted configuration profile, its
 * version (the table's file) and the deployment of that version. A weight change replaces the
 * version and its deployment, nothing else; the agents in the callers' tasks pick it up within
 * their poll interval.
 */
export class LiveRoutes extends MeshComponent {
  private readonly app: aws.appconfig.Application;
  private readonly strategy: aws.appconfig.DeploymentStrategy;
  private readonly model: MeshModel;
  private readonly account: pulumi.Output<string>;

  constructor(name: string, args: LiveRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("LiveRoutes", name, args.tags, opts);
    this.model = args.model;
    const mesh = args.model.mesh.name;
    this.account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.app = new aws.appconfig.Application(this.child("application"), {
      name: name64(mesh), description: `Route tables of mesh ${mesh}'s Envoys (envoy.routeUpdates: live)`, tags: this.tagged(),
    }, this.opts());
    // Instant: the new split applies at the agents' next poll. AppConfig's predefined AllAtOnce bakes for 10 minutes.
    this.strategy = new aws.appconfig.DeploymentStrategy(this.child("instant"), {
      name: name64(`${mesh}-instant`), description: "All at once, no bake: route tables apply at the agents' next poll",
      deploymentDurationInMinutes: 0, finalBakeTimeInMinutes: 0, growthFactor: 100, growthType: "LINEAR", replicateTo: "NONE", tags: this.tagged(),
    }, this.opts());
    this.registerOutputs({ applicationId: this.app.id });
  }

  /** The sidecar with its route tables in AppConfig and its role allowed to read them; unchanged if it has none. */
  attach(sidecar: Sidecar): Sidecar {
    if (!sidecar.routeTables) return sidecar;
    const { caller, tables } = sidecar.routeTables;
    const arns = tables.map((t) => {
      const id = `${caller}-${t.name}`;
      const env = new aws.appconfig.Environment(this.child(`${id}-environment`), {
        applicationId: this.app.id, name: name64(appConfigEnvironment(caller, t.name)), description: `${caller}'s route table ${t.name}`, tags: this.tagged(),
      }, this.opts());
      const profile = new aws.appconfig.ConfigurationProfile(this.child(`${id}-profile`), {
        applicationId: this.app.id, name: name64(t.name), locationUri: "hosted", type: "AWS.Freeform", description: `${caller}'s route table ${t.name} (an xDS DiscoveryResponse)`, tags: this.tagged(),
      }, this.opts());
      // The table's content hash names the version and its deployment, so that the plan shows both change with it.
      const described = `route table ${t.name}, version ${String((t.document as { version_info?: string }).version_info)}`;
      const version = new aws.appconfig.HostedConfigurationVersion(this.child(`${id}-version`), {
        applicationId: this.app.id, configurationProfileId: profile.configurationProfileId,
        content: JSON.stringify(t.document), contentType: "application/json", description: described,
      }, this.opts());
      new aws.appconfig.Deployment(this.child(`${id}-deployment`), {
        applicationId: this.app.id, environmentId: env.environmentId, configurationProfileId: profile.configurationProfileId, description: described,
        configurationVersion: version.versionNumber.apply(String), deploymentStrategyId: this.strategy.id, tags: this.tagged(),
      }, this.opts());
      return pulumi.interpolate`arn:aws:appconfig:${this.model.region}:${this.account}:application/${this.app.id}/environment/${env.environmentId}/configuration/${profile.configurationProfileId}`;
    });
    const base = sidecar.taskPolicy;
    return {
      ...sidecar,
      taskPolicy: pulumi.all([base, ...arns]).apply(([own, ...resources]) => {
        const doc = own ? JSON.parse(own as string) : { Version: "2012-10-17", Statement: [] };
        doc.Statement.push(appConfigStatement(resources as string[]));
        return JSON.stringify(doc);
      }),
      roleDescription: `${sidecar.roleDescription}; reads its route tables from AppConfig`,
    };
  }
}
