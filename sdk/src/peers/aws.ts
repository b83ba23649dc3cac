// Imported first by `globalmesh/eks`: imports run in order, so this check runs before anything loads @pulumi/aws.
import { requirePeer } from "./require";
requirePeer("@pulumi/aws", "globalmesh/eks");
