// The component package's entry point (PulumiPlugin.yaml): the Node SDK's component provider host
// serves every component class exported here, and its schema analyzer starts here. Only the facade:
// FargateMesh and the other components take a MeshModel, which only TypeScript can build.
export { Mesh } from "./mesh";
