import { Io } from "../../sdk/src/cli/io";
import { ROOT } from "./fixtures";

/** An in-process Io that records what a command prints; not a terminal. */
export function capture(cwd = ROOT): Io & { out: string; err: string } {
  const io = {
    cwd,
    isTTY: false,
    out: "",
    err: "",
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

/** acme-fitness's spec and both clusters' manifests, as `npm run demo` passes them (paths from the repo root). */
export const ACME_ARGS = [
  "--spec",
  "examples/acme-fitness/gns.yaml",
  "--manifests",
  "cluster1=examples/acme-fitness/manifests/cluster1.yaml",
  "--manifests",
  "cluster2=examples/acme-fitness/manifests/cluster2.yaml",
];
