"""What the tests of the dashboard's kept counts share: a panel's table added up
from the counts must be the table counted from the rows themselves."""

from portal.dashboards import render


def shown_either_way(monkeypatch, selector, query, set_aside) -> set[str]:
    """The keys of the rows of ``selector(query)`` that show a figure, after checking
    that the table (nothing suppressed) is the same when ``set_aside`` — a
    ``(target, name)`` whose function then answers None — makes the panel count
    its rows instead."""
    kept = render(selector(query), threshold=1)
    with monkeypatch.context() as patch:
        patch.setattr(*set_aside, lambda *args, **kwargs: None)
        counted = render(selector(query), threshold=1)
    assert kept == counted, query
    return {r.key for r in kept.rows if any(cell.value for cell in r.cells.values())}
