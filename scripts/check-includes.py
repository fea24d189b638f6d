#!/usr/bin/env python3
"""Fails when an #include in src/ points up the module table.

The module order is the order of the irsa_module() calls in CMakeLists.txt (the table of
docs/architecture.md): a module may include only itself and modules declared before it; nothing
includes cli. Prints every violation as FILE:LINE: <module> includes <module> and exits 1.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def module_order():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        text = f.read()
    order = re.findall(r"^irsa_module\(([\w/]+)", text, re.M)
    if not order:
        sys.exit("check-includes: no irsa_module() calls found in CMakeLists.txt")
    return order + ["cli"]


def module_of(path, modules):
    """The longest module path that is a prefix of `path` (relative to src/)."""
    best = None
    for module in modules:
        if path == module or path.startswith(module + "/"):
            if best is None or len(module) > len(best):
                best = module
    return best


def main():
    modules = module_order()
    rank = {m: i for i, m in enumerate(modules)}
    violations = []
    src = os.path.join(ROOT, "src")
    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for directory, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, src)
            own = module_of(os.path.dirname(rel), modules)
            if own is None:
                violations.append("%s: file outside every module of CMakeLists.txt" % rel)
                continue
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = include.match(line)
                    if not m:
                        continue
                    target = module_of(os.path.dirname(m.group(1)), modules)
                    if target is None:
                        continue  # not a module header (e.g. a generated file)
                    if target == "cli" and own != "cli":
                        violations.append("src/%s:%d: %s includes cli (nothing may)" %
                                          (rel, number, own))
                    elif rank[target] > rank[own]:
                        violations.append("src/%s:%d: %s includes %s, which comes after it" %
                                          (rel, number, own, target))
    for v in violations:
        print(v)
    if violations:
        print("check-includes: %d include(s) point up the module table (order: %s)" %
              (len(violations), ", ".join(modules)))
        return 1
    print("check-includes: every include follows the module order (%d modules)" % len(modules))
    return 0


if __name__ == "__main__":
    sys.exit(main())
