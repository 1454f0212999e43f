"""No import circle in the project's own code (issue 15): a module that imports another
which imports it back cannot be read, tested or moved on its own.

Counted as import-linter counts (grimp's graph, type-checking imports included), over every
top-level package the project ships.
"""

from __future__ import annotations

import grimp

PACKAGES = ("bot", "dialogs", "handlers", "jobs", "locales", "policy", "search", "services", "storage", "emulator")


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm, iterative: every group of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_finder_sees_a_circle() -> None:
    """The finder itself: a package that imports its own submodule which imports it back."""
    graph = grimp.ImportGraph()
    for a, b in (("p", "p.a"), ("p.a", "p"), ("p.a", "p.b")):
        graph.add_import(importer=a, imported=b)
    assert strongly_connected(graph) == [["p", "p.a"]]


def test_no_import_circle() -> None:
    graph = grimp.build_graph(*PACKAGES)
    assert strongly_connected(graph) == []
