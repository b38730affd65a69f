"""The registry's declared attributes of built-in plugins say what the plugins' classes say."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bibgen import registry


@pytest.mark.parametrize("reg", [registry.readers, registry.writers], ids=["readers", "writers"])
def test_declared_attributes_are_the_classes_own(reg: registry.Registry) -> None:  # type: ignore[type-arg]
    eps = reg._eps()
    assert reg._declared, "nothing declared"
    # Every built-in entry point is declared, and nothing else is.
    assert {ep.value for ep in eps.values() if ep.value.startswith("bibgen.")} == set(reg._declared)
    for ep in eps.values():
        declared = reg._declared.get(ep.value)
        if declared is None:
            continue
        cls = ep.load()
        for attr, value in declared.items():
            assert getattr(cls, attr, False) == value, (ep.value, attr)


def test_finding_the_reader_of_a_bib_imports_no_other_reader() -> None:
    code = (
        "import sys\n"
        "from bibgen.readers import choose_reader\n"
        "from bibgen.registry import readers\n"
        "assert type(choose_reader('.bib', b'@misc{a,}')).__name__ == 'BibtexReader'\n"
        "assert '.yaml' in set(readers.suffixes()) and readers.for_suffix('.ris').name == 'ris'\n"
        "print(sorted(m for m in sys.modules if m.startswith('bibgen.readers.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['bibgen.readers.bibtex', 'bibgen.readers.ris']"


@pytest.mark.parametrize(
    ("suffix", "head", "name"),
    [
        (".txt", b"TY  - JOUR\n", "ris"),
        (".txt", b"PMID- 123\n", "medline"),
        (".txt", b"Collaborating Authors\n", "authorpage"),
        (".yml", b"key:\n  type: article\n", None),
        (".bib", b"TY  - JOUR\n", "bibtex"),
        (".unknown", b"TY  - JOUR\n", "ris"),
        (".unknown", b"nothing known", None),
    ],
)
def test_choose_reader_is_what_every_loaded_reader_says(suffix: str, head: bytes, name: str | None) -> None:
    """choose_reader through declared attributes gives what it gives with every reader loaded."""
    from bibgen.readers import choose_reader

    lazy = choose_reader(suffix, head)
    registry.readers.all()  # every reader loaded: the declared table is not used any more
    assert choose_reader(suffix, head) is lazy
    if name is not None:
        assert lazy is not None and lazy.name == name
