// fargate-mesh: a backend-neutral mesh description (model/) and its App Mesh on Fargate rendering (components/).
export * from "./model";
export * from "./components";
