import * as pulumi from "@pulumi/pulumi";

/**
 * Checks a value once it resolves (a load balancer's address, a kubeconfig from another resource): what `check`
 * throws fails the deployment with its message alone.
 *
 * Why not simply throw inside `apply`: Pulumi's program runner formats every uncaught error with
 * `util.inspect(err, { colors: true })`, and on Node 20.20 that spins for seconds to minutes over the SDK's
 * source-mapped stack frames before the message appears (test/engine/harness.test.ts measures it). A RunError with
 * no frames is reported at once, and RunError is Pulumi's "show the message, not a stack".
 */
export function checkWhenKnown<T, U>(value: pulumi.Output<T>, check: (v: T) => U): pulumi.Output<U> {
  return value.apply((v): U => {
    try {
      return check(v);
    } catch (e) {
      throw messageOnly(e instanceof Error ? e.message : String(e));
    }
  });
}

function messageOnly(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = `${error.name}: ${message}`;
  return error;
}
