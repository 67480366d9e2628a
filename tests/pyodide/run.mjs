// Run a Python script inside Pyodide under Node, offline, from the cache that
// scripts/pyodide-setup fills (.pyodide/ by default).
//
//   node tests/pyodide/run.mjs [--cache DIR] [--with GROUP]... [--wheel PATH]... [--file PATH=/emfs/path]...
//                              [SCRIPT | -]
//
// Loads Pyodide from <cache>/pyodide-<version>/ (loadPyodide's indexURL), its own
// packages listed in <cache>/manifest.json from there (pyodide-lock.json resolves them),
// and those of each GROUP the manifest lists apart (--with charts: matplotlib),
// installs the pure wheels of the manifest and each --wheel with micropip from the
// Emscripten file system (deps=False: micropip never looks anything up), copies each
// --file into the Emscripten file system, then runs SCRIPT (a file, or "-" / nothing
// for standard input) with runPythonAsync.
//
// The script leaves its answer in a global named `result` (anything json.dumps takes).
// Standard output gets one JSON line: {"result", "versions" (of Python and every
// installed distribution), "imported" (the distributions whose modules were loaded),
// "wasm_memory_bytes", "seconds"}; everything Python or Pyodide prints goes to standard error. Any http(s)
// request fails the run: nothing here may reach the network.

import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { pathToFileURL } from "node:url";

const started = performance.now();
const seconds = {};
const lap = (name) => { seconds[name] = +((performance.now() - started) / 1000).toFixed(2); };

// -- no network --------------------------------------------------------------------
const attempts = [];
function refuse(what) {
  attempts.push(String(what));
  throw new Error(`run.mjs: network access refused (offline test): ${what}`);
}
const realFetch = globalThis.fetch;
globalThis.fetch = async (resource, init) => {
  const url = typeof resource === "string" ? resource : resource?.url ?? String(resource);
  if (/^(https?|wss?):/i.test(url)) refuse(url);
  return realFetch(resource, init);
};
for (const mod of [http, https]) {
  mod.request = (...args) => refuse(`${mod === https ? "https" : "http"}.request ${JSON.stringify(args[0])}`);
  mod.get = mod.request;
}

// -- arguments ---------------------------------------------------------------------
const argv = process.argv.slice(2);
let cache = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", ".pyodide");
const wheels = [];
const files = [];
const groups = [];
let script = "-";
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--cache") cache = path.resolve(argv[++i]);
  else if (a === "--wheel") wheels.push(path.resolve(argv[++i]));
  else if (a === "--file") files.push(argv[++i]);
  else if (a === "--with") groups.push(argv[++i]);
  else if (a.startsWith("--")) fail(`unknown option ${a}`);
  else script = a;
}

function fail(message) {
  process.stderr.write(`run.mjs: ${message}\n`);
  process.exit(2);
}

const manifestPath = path.join(cache, "manifest.json");
if (!fs.existsSync(manifestPath)) fail(`${manifestPath} is missing: run scripts/pyodide-setup first`);
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
const indexURL = path.join(cache, manifest.pyodide.index) + path.sep;
const code = script === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(script, "utf8");

// -- Pyodide -----------------------------------------------------------------------
const log = (s) => process.stderr.write(`${s}\n`);
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL, stdout: log, stderr: log, packageCacheDir: indexURL });
lap("start");
const packages = Object.keys(manifest.official);
for (const group of groups) {
  if (!manifest[group] || group === "wheels") fail(`${manifestPath} lists no package group ${group}: run scripts/pyodide-setup`);
  packages.push(...Object.keys(manifest[group]));
}
await pyodide.loadPackage(packages, { messageCallback: log, errorCallback: log });
lap("official_packages");

const emfsWheels = [];
pyodide.FS.mkdirTree("/tmp/wheels");
for (const whl of [...Object.values(manifest.wheels).map((w) => path.join(cache, w.file)), ...wheels]) {
  const target = `/tmp/wheels/${path.basename(whl)}`;
  pyodide.FS.writeFile(target, fs.readFileSync(whl));
  emfsWheels.push(`emfs:${target}`);
}
for (const spec of files) {
  const at = spec.lastIndexOf("=");
  if (at < 1) fail(`--file wants HOST_PATH=/emfs/path, got ${spec}`);
  const target = spec.slice(at + 1);
  pyodide.FS.mkdirTree(path.posix.dirname(target));
  pyodide.FS.writeFile(target, fs.readFileSync(spec.slice(0, at)));
}
pyodide.globals.set("_run_mjs_wheels", pyodide.toPy(emfsWheels));
await pyodide.runPythonAsync(`
import micropip
await micropip.install(_run_mjs_wheels, deps=False)
del _run_mjs_wheels
`);
lap("wheels");

let out;
try {
  await pyodide.runPythonAsync(code, { filename: script === "-" ? "<stdin>" : script });
  lap("script");
  out = pyodide.runPython(`
import json as _json, sys as _sys
from importlib import metadata as _md
_versions = {"python": ".".join(map(str, _sys.version_info[:3]))}
for _d in _md.distributions():
    _versions[_d.metadata["Name"].lower()] = _d.version
_loaded = {_m.partition(".")[0] for _m in list(_sys.modules)}
_used = sorted({_d.lower() for _m, _ds in _md.packages_distributions().items() if _m in _loaded for _d in _ds})
_json.dumps({"result": globals().get("result"), "versions": _versions, "imported": _used}, ensure_ascii=False)
`);
} catch (e) {
  log(String(e?.message ?? e));
  process.exitCode = 1;
}
if (attempts.length) {
  log(`run.mjs: ${attempts.length} network request(s) were attempted: ${attempts.join(", ")}`);
  process.exitCode = 3;
}
if (out !== undefined) {
  const doc = JSON.parse(out);
  // WebAssembly memory only grows: its size now is the run's peak
  doc.wasm_memory_bytes = (pyodide._module.wasmMemory ?? pyodide._module.HEAP8).buffer.byteLength;
  doc.seconds = seconds;
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}
