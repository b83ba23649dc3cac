import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Options of a MeshCluster's children: parented to it, written with its cluster's provider. */
export interface ChildOptions {
  parent: pulumi.Resource;
  provider: k8s.Provider;
}
