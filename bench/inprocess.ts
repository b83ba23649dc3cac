import { buildMesh, MeshBuild, MeshObject, rememberingObjectYaml } from "../sdk/src/mesh";
import { generateSpec, MeshSize, TEAMS } from "./generate";
import { hostsPerSidecar, SidecarHosts } from "./sidecars";
import { median, round, timed } from "./stats";

/** One mesh measured inside this process: compile and emission times, sizes, and what each sidecar knows. */
export interface MeshResult {
  size: MeshSize;
  objects: number;
  /** Median compile time (parse-free: spec object → validated, resolved, compiled objects), ms. */
  compileMs: number;
  /** Median time to emit every object as YAML (the render's emitter on one thread), ms. */
  emitMs: number;
  /** µs per object for compile + emission. */
  usPerObject: number;
  /** Objects per cluster: fewest, median, most. */
  objectsPerCluster: { min: number; median: number; max: number };
  /** YAML bytes per cluster: median and most. */
  bytesPerCluster: { median: number; max: number };
  totalBytes: number;
  hostsPerSidecar: SidecarHosts;
  /** The same mesh with declared calls and sidecarScope; `error` when the build refuses them. */
  withCalls?:
    | {
        objects: number;
        compileMs: number;
        objectsPerCluster: { min: number; median: number; max: number };
        hostsPerSidecar: SidecarHosts;
      }
    | { error: string };
}

function objectCount(build: MeshBuild): number {
  let n = 0;
  for (const list of build.compiled.objects.values()) n += list.length;
  return n;
}

function perCluster(build: MeshBuild): { min: number; median: number; max: number } {
  const counts = [...build.compiled.objects.values()].map((l) => l.length);
  return { min: Math.min(...counts), median: median(counts), max: Math.max(...counts) };
}

/**
 * Emits every object as render does on one thread (cluster after cluster, remembering what recurs), keeping only the
 * byte counts (as the streaming render keeps no text either).
 */
function emit(objects: ReadonlyMap<string, readonly MeshObject[]>): number[] {
  const bytes: number[] = [];
  const yaml = rememberingObjectYaml();
  for (const list of objects.values()) {
    let n = 0;
    for (const o of list) n += Buffer.byteLength(yaml(o));
    bytes.push(n);
  }
  return bytes;
}

/** Spec → every cluster's objects: the build compiles on demand, so all of them are read here. */
function compileAll(spec: unknown): MeshBuild {
  const build = buildMesh(spec);
  void build.compiled.objects;
  return build;
}

export function measureMesh(size: MeshSize, runs: number, warmup: number, withCalls: boolean): MeshResult {
  const spec = generateSpec(size);
  const compile = timed(() => compileAll(spec), runs, warmup);
  const build = compile.result;
  const emission = timed(() => emit(build.compiled.objects), runs, warmup);
  const objects = objectCount(build);
  const bytes = emission.result;
  return {
    size,
    objects,
    compileMs: round(compile.ms),
    emitMs: round(emission.ms),
    usPerObject: round(((compile.ms + emission.ms) * 1000) / objects),
    objectsPerCluster: perCluster(build),
    bytesPerCluster: { median: median(bytes), max: Math.max(...bytes) },
    totalBytes: bytes.reduce((a, b) => a + b, 0),
    hostsPerSidecar: hostsPerSidecar(build.compiled.objects, TEAMS),
    ...(withCalls && { withCalls: measureWithCalls(size) }),
  };
}

function measureWithCalls(size: MeshSize): MeshResult["withCalls"] {
  const spec = generateSpec(size, { calls: true });
  try {
    const compile = timed(() => compileAll(spec), 1);
    return {
      objects: objectCount(compile.result),
      compileMs: round(compile.ms),
      objectsPerCluster: perCluster(compile.result),
      hostsPerSidecar: hostsPerSidecar(compile.result.compiled.objects, TEAMS),
    };
  } catch (e) {
    return { error: (e instanceof Error ? e.message : String(e)).split("\n").slice(0, 3).join(" ") };
  }
}
