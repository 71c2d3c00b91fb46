import { stackConfig, stackFile } from "../stacks/files";

/** The dev stack grown to `total` services: each extra one calls the one before it. */
export function scaledConfig(total: number) {
  const config = JSON.parse(JSON.stringify(stackConfig(stackFile("dev"))));
  const t = config["fargate-mesh:topology"];
  for (let i = 0; i < total - 4; i++) t.services[`svc${i}`] = { ...t.services.red, backends: i ? [`svc${i - 1}`] : [] };
  return config;
}
