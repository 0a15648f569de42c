"""Build the offline course site: one HTML page per executed notebook plus an index (make site).

Usage: python tools/build_site.py [OUT_DIR]   (default: _site)

- Pages come from the committed notebooks with their stored outputs (no re-execution).
- No network: nbconvert's lab template minus the require.js/MathJax CDN scripts; figures are
  embedded in the pages.
- Links between notebooks (``02_x.ipynb``) become links between pages (``02_x.html``); every
  page gets a navigation bar (index, previous, next).
- The index follows the README's learning-path table; docs/INSTRUCTOR.md and docs/AUTHORING.md
  become pages too.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import mistune
import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\(notebooks/([^)]+\.ipynb)\)\s*\|\s*(.+?)\s*\|\s*(\d+)\s*\|$")
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; }
"""
NAV_STYLE = """
nav.course { font: 14px system-ui, sans-serif; padding: .5rem 1rem; background: #f3f4f6; border-bottom: 1px solid #ddd; }
nav.course a { margin-right: 1.5rem; }
"""


def learning_path() -> list[dict]:
    rows = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if match:
            number, title, file, what, minutes = match.groups()
            rows.append({"number": number, "title": title, "file": file, "what": what, "minutes": int(minutes)})
    if not rows:
        raise SystemExit("README.md has no learning-path rows like '| 01 | [Title](notebooks/01_x.ipynb) | ... | 45 |'")
    return rows


def nav(rows, i) -> str:
    parts = ['<a href="index.html">Course index</a>']
    if i > 0:
        parts.append(f'<a href="{rows[i - 1]["file"].replace(".ipynb", ".html")}">&larr; {rows[i - 1]["number"]} '
                     f'{html.escape(rows[i - 1]["title"])}</a>')
    if i < len(rows) - 1:
        parts.append(f'<a href="{rows[i + 1]["file"].replace(".ipynb", ".html")}">{rows[i + 1]["number"]} '
                     f'{html.escape(rows[i + 1]["title"])} &rarr;</a>')
    return '<nav class="course">' + "".join(parts) + "</nav>"


def to_page_links(text: str) -> str:
    return re.sub(r'href="(\d\d_[a-z0-9_]+)\.ipynb"', r'href="\1.html"', text)


def simple_page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{STYLE}{NAV_STYLE}</style></head><body>{body}</body></html>')


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rows = learning_path()
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(ROOT / "tools" / "site_template")])
    written = []
    for i, row in enumerate(rows):
        nb = nbformat.read(ROOT / "notebooks" / row["file"], as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f'{row["number"]} · {row["title"]}'}})
        body = to_page_links(body).replace("<body", "<body data-course-page", 1)
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav(rows, i), body, count=1)
        body = body.replace("</head>", f"<style>{NAV_STYLE}</style></head>", 1)
        page = out / row["file"].replace(".ipynb", ".html")
        page.write_text(body, encoding="utf-8")
        written.append(page)

    docs = [("instructor.html", "Instructor guide", ROOT / "docs" / "INSTRUCTOR.md"),
            ("authoring.html", "Writing a notebook", ROOT / "docs" / "AUTHORING.md")]
    items = "".join(
        f'<tr><td>{r["number"]}</td><td><a href="{r["file"].replace(".ipynb", ".html")}">{html.escape(r["title"])}</a></td>'
        f'<td>{mistune.html(r["what"]).strip().removeprefix("<p>").removesuffix("</p>")}</td><td>{r["minutes"]}</td></tr>'
        for r in rows)
    extra = "".join(f'<li><a href="{name}">{title}</a></li>' for name, title, src in docs if src.exists())
    index = (f"<h1>lstm-batching: batch size, timesteps and features for Keras 3 LSTMs</h1>"
             f"<p>The executed course notebooks, readable without installing anything. Total: "
             f"{sum(r['minutes'] for r in rows)} minutes.</p>"
             f"<table><tr><th>#</th><th>Notebook</th><th>What you learn</th><th>Minutes</th></tr>{items}</table>"
             f"<h2>For instructors and authors</h2><ul>{extra}</ul>")
    (out / "index.html").write_text(simple_page("lstm-batching course", index), encoding="utf-8")
    written.append(out / "index.html")
    for name, title, src in docs:
        if src.exists():
            body = to_page_links(mistune.html(src.read_text(encoding="utf-8")))
            body = re.sub(r'href="\.\./notebooks/(\d\d_[a-z0-9_]+)\.html"', r'href="\1.html"', body)
            (out / name).write_text(simple_page(title, '<nav class="course"><a href="index.html">Course index</a></nav>'
                                                + body), encoding="utf-8")
            written.append(out / name)
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "_site"
    pages = build(out)
    print(f"wrote {len(pages)} pages to {out}/ (open {out / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
