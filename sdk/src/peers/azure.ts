// Imported first by `globalmesh/aks`: imports run in order, so this check runs before anything loads @pulumi/azure-native.
import { requirePeer } from "./require";
requirePeer("@pulumi/azure-native", "globalmesh/aks");
