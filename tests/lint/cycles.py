"""An import-linter contract type: no import cycles anywhere in the module graph.

import-linter's own contracts look at packages (``acyclic_siblings`` finds cycles between
siblings); this one looks at modules. It takes the graph import-linter built (function-level
imports included, ``TYPE_CHECKING`` imports left out when the session says
``exclude_type_checking_imports``), finds its strongly connected components with Tarjan's
algorithm, and reports each component of two or more modules (or a module that imports itself)
as one cycle: its modules, one shortest loop through them, and every import inside it with its
line, so that whoever breaks the cycle sees which lines to move.

Registered in pyproject.toml::

    [tool.importlinter]
    contract_types = ["no_module_cycles: tests.lint.cycles.NoModuleCyclesContract"]

    [[tool.importlinter.contracts]]
    name = "no import cycles between modules"
    type = "no_module_cycles"
    containers = ["cockpit"]      # optional: the session's root packages by default

lint-imports puts the working folder on ``sys.path``, so this imports when it runs from the
repository root. It is not part of the installed ``cockpit`` package.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output

Graph = Mapping[str, frozenset[str]]


def module_graph(graph: ImportGraph, containers: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each module inside ``containers`` (a container itself included) -> the modules inside
    ``containers`` it imports directly."""
    roots = tuple(containers)

    def inside(module: str) -> bool:
        return any(module == r or module.startswith(r + ".") for r in roots)

    mods = sorted(m for m in graph.modules if inside(m))
    return {m: frozenset(x for x in graph.find_modules_directly_imported_by(m) if inside(x)) for m in mods}


def strongly_connected(edges: Graph) -> list[list[str]]:
    """The strongly connected components of ``edges`` (Tarjan, iterative: no recursion limit),
    each sorted, in a stable order (by their first module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = []
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        work.append((start, iter(sorted(edges.get(start, ())))))
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return sorted(found)


def cycles(edges: Graph) -> list[list[str]]:
    """The components that are cycles: two or more modules, or one module importing itself."""
    return [c for c in strongly_connected(edges) if len(c) > 1 or c[0] in edges.get(c[0], ())]


def shortest_loop(edges: Graph, component: list[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside the component:
    ``[a, b, ..., a]``."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(edges.get(node, ())):
            if nxt not in members:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    raise ValueError(f"{start} is not on a cycle")  # a component from cycles() always has one


class NoModuleCyclesContract(Contract):
    """No module of ``containers`` reaches itself through imports."""

    type_name = "no_module_cycles"

    containers = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        roots = list(self.containers or self.session_options["root_packages"])  # type: ignore[attr-defined]
        edges = module_graph(graph, roots)
        output.verbose_print(verbose, f"Searching {len(edges)} modules for import cycles...")
        found = cycles(edges)
        report = []
        for component in found:
            members = set(component)
            imports = []
            for importer in component:
                for imported in sorted(edges[importer] & members):
                    lines = sorted(
                        {
                            d["line_number"]
                            for d in graph.get_import_details(importer=importer, imported=imported)
                        }
                    )
                    imports.append((importer, imported, lines))
            report.append({"modules": component, "loop": shortest_loop(edges, component), "imports": imports})
        return ContractCheck(kept=not found, metadata={"cycles": report})

    def render_broken_contract(self, check: ContractCheck) -> None:
        found = check.metadata["cycles"]
        output.print_error(f"{len(found)} import cycle{'s' if len(found) != 1 else ''} between modules:")
        output.new_line()
        for n, cycle in enumerate(found, 1):
            modules = cycle["modules"]
            output.print_error(f"Cycle {n} ({len(modules)} modules): " + " -> ".join(cycle["loop"]))
            output.indent_cursor()
            output.print("modules: " + ", ".join(modules))
            for importer, imported, lines in cycle["imports"]:
                where = ", ".join(f"l.{x}" for x in lines)
                output.indent_cursor()
                output.print(f"-   {importer} -> {imported} ({where})")
            output.new_line()
