"""One addition to sphinx-book-theme's launch menu: the learner's own JupyterLab (`make lab`).

The theme builds Binder and Colab links from `repository.url` in book/_config.yml; it has no
entry for a local server, so this adds "JupyterLab (make lab)" pointing at
`course_local_lab_url`/<notebook>.ipynb: `make lab` serves the learner's copies (my-notebooks/,
same file names) at http://127.0.0.1:8888/lab/tree/ (Jupyter asks for the token it printed).
"""

from __future__ import annotations

from pathlib import PurePosixPath


def add_local_lab_button(app, pagename, templatename, context, doctree):
    if not pagename.startswith("notebooks/"):
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            url = f"{app.config.course_local_lab_url.rstrip('/')}/{PurePosixPath(pagename).name}.ipynb"
            group["buttons"].insert(
                0,
                {
                    "type": "link",
                    "text": "JupyterLab (make lab)",
                    "tooltip": "Open in your local JupyterLab, started with make lab",
                    "icon": "fas fa-laptop-code",
                    "url": url,
                },
            )


def setup(app):
    app.add_config_value("course_local_lab_url", "http://127.0.0.1:8888/lab/tree", "html")
    # after sphinx-book-theme's add_launch_buttons (priority 501) has built the menu
    app.connect("html-page-context", add_local_lab_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
