export * from "./types";
export * from "./errors";
export { loadMesh, validateMesh, MeshInput, ValidationResult } from "./load";
export { LIMITS, ENUMS } from "./limits";
export { names } from "./names";
export { DEFAULTS } from "./defaults";
export { checkFargateSize } from "./fargate";
export { envoyImage } from "./envoy-image";
export { topology as topologySchema } from "./schema/topology";
