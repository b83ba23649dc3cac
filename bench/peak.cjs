// Preloaded into a measured `globalmesh` process (NODE_OPTIONS=--require): at exit, writes its peak resident memory
// (KB) and CPU time (ms) to the file BENCH_PEAK_FILE names.
const { writeFileSync } = require("node:fs");
process.on("exit", () => {
  const file = process.env.BENCH_PEAK_FILE;
  if (!file) return;
  const u = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
