export { MeshComponent, Tags } from "./base";
export { Network, NetworkArgs } from "./network";
export { Namespace, NamespaceArgs, namespacePlan } from "./namespace";
export { AppMesh, AppMeshArgs } from "./mesh/app-mesh";
export { MeshedService, MeshedServiceArgs } from "./service/meshed-service";
export { MeshGateway, MeshGatewayArgs } from "./gateway/gateway";
export { FargateMesh, FargateMeshArgs } from "./fargate-mesh";
export { securityEdges, SecurityEdge } from "./security-edges";
