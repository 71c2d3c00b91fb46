// Preloaded (`node -r`) into each benchmarked process: reports its peak memory when it exits.
process.on("exit", () => process.stderr.write(`\nmaxrss-kib=${process.resourceUsage().maxRSS}\n`));
