"""Agreement of bibgen's CSL engine with citeproc-js (Zotero's engine).

    npm install --prefix /tmp/cjs citeproc
    python bench/csl_agree.py [--n 1000] [--real] [--strip-others] [--styles apa,ieee]

Renders the same CSL-JSON items with both engines (same bundled locales) and
prints, per style, how many entries are identical in citeproc-js's HTML.
Items whose name list ends with ``{"literal": "others"}`` are skipped: bibgen
prints those as "et al." on purpose, citeproc-js as a name "others"
(``--strip-others`` drops the marker for both engines instead). ``--real``
uses bibgen's own seeds and test inputs instead of generated items.
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from csl_corpus import make_items  # noqa: E402
from csl_speed import STYLES, style_path  # noqa: E402

from bibgen.style.csl import CslStyle  # noqa: E402
from bibgen.style.cslhtml import nodes_html  # noqa: E402

LOCALES = ROOT / "src" / "bibgen" / "data" / "locales"


def real_items() -> list[dict]:
    """CSL-JSON items from bibgen's seeds and test inputs, read through bibgen."""
    import bibgen
    from bibgen.writers.csljson import csl_item

    paths = [str(ROOT / "seeds")] + glob.glob(str(ROOT / "tests/golden/*/input/*"))
    paths += glob.glob(str(ROOT / "tests/data/fuzz/*"))
    items: list[dict] = []
    for p in paths:
        try:
            entries = bibgen.read([p])
        except Exception:  # noqa: BLE001 - some inputs are deliberately broken
            continue
        for e in entries:
            item = csl_item(e)
            item["id"] = f"r{len(items)}"
            items.append(item)
    return items


def has_others(item: dict) -> bool:
    return any(
        isinstance(v, list) and v and isinstance(v[-1], dict) and v[-1].get("literal") == "others"
        for v in item.values()
    )


def entry_html(html: str) -> str:
    html = re.sub(r'^\s*<div class="csl-entry">', "", html)
    html = re.sub(r"</div>\s*$", "", html)
    return re.sub(r"\s+", " ", html.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--real", action="store_true")
    ap.add_argument("--strip-others", action="store_true")
    ap.add_argument("--styles", default=",".join(STYLES))
    ap.add_argument("--show", type=int, default=3, help="differences to print per style")
    ap.add_argument("--cjs", default="/tmp/cjs/node_modules/citeproc", help="citeproc-js package")
    args = ap.parse_args()
    items = real_items() if args.real else make_items(args.n, seed=7)
    if args.strip_others:
        for it in items:
            for k, v in it.items():
                if isinstance(v, list) and v and isinstance(v[-1], dict) and v[-1].get("literal") == "others":
                    it[k] = v[:-1]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(items, f)
    for name in args.styles.split(","):
        path = style_path(name)
        env = {"NODE_PATH": str(Path(args.cjs).parent)}
        proc = subprocess.run(["node", str(HERE / "cjs" / "run.js"), path, f.name, str(LOCALES)],
                              capture_output=True, text=True, check=True, env=env)
        theirs = json.loads(proc.stdout)
        ours = {}
        for r in CslStyle.from_path(path).bibliography(items):
            body = nodes_html(r.body)
            if r.label:
                body = (f'<div class="csl-left-margin">{nodes_html(r.label)}</div>'
                        f'<div class="csl-right-inline">{body}</div>')
            ours[r.key] = re.sub(r"\s+", " ", body.strip())
        by_id = {it["id"]: it for it in items}
        same = total = 0
        diffs = []
        for key, html in zip(theirs["ids"], theirs["entries"]):
            if has_others(by_id[key]):
                continue
            total += 1
            a, b = entry_html(html), ours.get(key, "")
            if a == b:
                same += 1
            else:
                diffs.append((key, a, b))
        print(f"{name}: {same}/{total} entries identical ({100 * same / max(total, 1):.1f}%)")
        for key, a, b in diffs[: args.show]:
            print(f"  {key}\n    citeproc-js: {a}\n    bibgen:      {b}")


if __name__ == "__main__":
    main()
