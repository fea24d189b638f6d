// Validates Kubernetes manifests offline, for tests/e2e/test_packaging.py:
//
//   node validate_k8s.mjs NODE_MODULES [--json OUT.json] FILE.yaml...
//
// (--json also writes every object, as a JSON array, for the test's own assertions.)
// Every object of every (multi-document) YAML file is checked twice:
//   1. against the Kubernetes OpenAPI schema, with the validators the npm package
//      kubernetes-models generates from it (types, formats, enums, required fields);
//      ServiceMonitor with @kubernetes-models/prometheus-operator (the operator's CRD schema);
//   2. for unknown fields, as `kubectl --validate=strict` would refuse them: the package's type
//      declarations (.d.ts, generated from the same schema) list the fields of every type, and
//      each object's keys are walked against them recursively.
// An object whose apiVersion/kind has no model is an error. Prints one line per object and exits
// 1 if any object is invalid.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [nodeModules, ...rest] = process.argv.slice(2);
let jsonOut = null;
if (rest[0] === "--json") jsonOut = rest.splice(0, 2)[1];
const files = rest;
const allObjects = [];
const { parseAllDocuments } = await import(pathToFileURL(path.join(nodeModules, "yaml/dist/index.js")));

function modelModule(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return path.join(nodeModules, "@kubernetes-models/prometheus-operator", apiVersion);
  }
  return path.join(nodeModules, "kubernetes-models", apiVersion);
}

// --- unknown fields, from the .d.ts declarations ---
const declarations = new Map();  // file -> {fields: Map(name -> type), imports: Map(id -> file)}

function resolveImport(fromFile, spec) {
  if (spec.startsWith(".")) return path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, ".d.ts"));
  return path.join(nodeModules, spec.replace(/\.js$/, "") + ".d.ts");
}

function declaration(file) {
  if (declarations.has(file)) return declarations.get(file);
  let text = "";
  try { text = fs.readFileSync(file, "utf8"); } catch { declarations.set(file, null); return null; }
  const imports = new Map();
  for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    for (const id of m[1].split(",").map((s) => s.trim())) imports.set(id, resolveImport(file, m[2]));
  }
  const body = text.match(/^export interface I\w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}/m);
  if (!body) { declarations.set(file, null); return null; }
  const fields = new Map();
  for (const m of body[1].matchAll(/^ {4}"([^"]+)"\??: (.*?);?$/gm)) fields.set(m[1], m[2]);
  const result = { fields, imports, extendsTypeMeta: /extends TypeMeta/.test(body[0]) };
  declarations.set(file, result);
  return result;
}

function unknownFields(value, file, where, problems) {
  const decl = declaration(file);
  if (!decl || value === null || typeof value !== "object" || Array.isArray(value)) return;
  if (decl.fields.size === 0) return;  // a free-form object (FieldsV1, RawExtension)
  for (const [key, child] of Object.entries(value)) {
    const type = decl.fields.get(key);
    if (type === undefined) {
      if (!(decl.extendsTypeMeta && (key === "apiVersion" || key === "kind"))) {
        problems.push(`${where}.${key}: unknown field`);
      }
      continue;
    }
    const array = type.match(/^Array<(I\w+)>$/);
    const single = type.match(/^(I\w+)$/);
    const id = array ? array[1] : single ? single[1] : null;
    const target = id && decl.imports.get(id);
    if (!target) continue;  // scalars, maps, unions: the schema validation covers them
    if (array && Array.isArray(child)) {
      child.forEach((item, i) => unknownFields(item, target, `${where}.${key}[${i}]`, problems));
    } else if (!array) {
      unknownFields(child, target, `${where}.${key}`, problems);
    }
  }
}

let failures = 0;
for (const file of files) {
  const docs = parseAllDocuments(fs.readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) { console.log(`${file}: YAML error: ${doc.errors[0].message}`); failures++; continue; }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    allObjects.push(obj);
    const label = `${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata?.name}`;
    const dir = modelModule(String(obj.apiVersion));
    let Model;
    try { Model = (await import(pathToFileURL(path.join(dir, "index.js"))))[obj.kind]; } catch { Model = undefined; }
    if (typeof Model !== "function") { console.log(`${label}: no schema for this apiVersion/kind`); failures++; continue; }
    const problems = [];
    try { new Model(obj).validate(); } catch (e) { problems.push(String(e.message)); }
    unknownFields(obj, path.join(dir, `${obj.kind}.d.ts`), obj.kind, problems);
    if (!declaration(path.join(dir, `${obj.kind}.d.ts`))) problems.push("no type declarations for the unknown-field check");
    if (problems.length) { console.log(`${label}: INVALID: ${problems.join("; ")}`); failures++; }
    else console.log(`${label}: valid`);
  }
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(allObjects));
process.exit(failures ? 1 : 0);
