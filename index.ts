// fargate-mesh: a backend-neutral mesh description (model/) and its renderings on Fargate (components/): the Envoy data plane and App Mesh.
export * from "./model";
export * from "./components";
