"""Serve the JavaScript of ipywidgets from the book itself when it is available.

By default myst-nb loads require.js and @jupyter-widgets/html-manager from a CDN, so an offline
reader sees the static figures but not the widgets' initial plots. `make book` installs both
npm packages into `.webdeps/` when npm is on the machine; this extension then copies them into
the build and points myst-nb at the local copies. Without npm the CDN stays (logged, no warning).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

_MODULES = Path(".webdeps") / "node_modules"
_REQUIRE = _MODULES / "requirejs" / "require.js"
_EMBED = _MODULES / "@jupyter-widgets" / "html-manager" / "dist"


# Runs before html-manager: (1) its icon fonts are looked up under window.__jupyter_widgets_assets_path__;
# (2) it typesets widget labels with the MathJax 2 call MathJax.Hub.Queue, while the book loads
# MathJax 3: give every MathJax object a small Hub.Queue that forwards to MathJax 3's typesetPromise.
_ASSETS_JS = r"""window.__jupyter_widgets_assets_path__ = document.currentScript.src.replace(/assets-path\.js.*$/, "");
(function () {
  function withHub(mj) {
    if (mj && typeof mj === "object" && !mj.Hub) {
      Object.defineProperty(mj, "Hub", {
        configurable: true, enumerable: false, writable: true,
        value: { Queue: function (job) {
          var el = job && job[2];
          if (el && window.MathJax && window.MathJax.typesetPromise) {
            window.MathJax.typesetPromise([el]).catch(function () {});
          }
        } }
      });
    }
    return mj;
  }
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true, enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); }
  });
})();
"""


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """sphinx-thebe adds its inline configuration twice ("THEBE_JS_URL has already been declared")."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        # an inline script is known by its body (its filename is None in one copy and "" in the other)
        key = ("body", attributes["body"]) if attributes.get("body") else str(script)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _local_assets(srcdir: Path):
    require, embed = srcdir / _REQUIRE, srcdir / _EMBED
    if require.is_file() and (embed / "embed-amd.js").is_file():
        return require, embed
    return None


def _configure(app, config):
    assets = _local_assets(Path(app.srcdir))
    if assets is None:
        logger.info("course_assets: .webdeps/ не найден — JavaScript виджетов будет загружаться из CDN")
        return
    config.nb_ipywidgets_js = {
        "widgets/assets-path.js": {},
        "widgets/require.js": {},
        "widgets/embed-amd.js": {"data-jupyter-widgets-cdn": "", "data-jupyter-widgets-cdn-only": "false"},
    }
    app.env_widgets_local = True


def _copy(app, exc):
    if exc is not None or app.builder.format != "html":
        return
    assets = _local_assets(Path(app.srcdir))
    if assets is None:
        return
    require, embed = assets
    target = Path(app.outdir) / "_static" / "widgets"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(require, target / "require.js")
    (target / "assets-path.js").write_text(_ASSETS_JS, encoding="utf-8")
    fonts = [f for f in embed.iterdir() if f.suffix in (".woff", ".woff2", ".ttf", ".eot", ".svg")]
    for f in embed.iterdir():
        if f.is_file() and not f.name.endswith((".map", ".LICENSE.txt")) and not f.name.startswith("embed.js"):
            shutil.copy2(f, target / f.name)
    # The widgets' stylesheet asks for its icon fonts relative to the page:
    # <page folder>/@jupyter-widgets/html-manager/dist/. Pages live at the root and in chapters/.
    for folder in {p.parent for p in Path(app.outdir).rglob("*.html") if "_static" not in p.parts}:
        fonts_dir = folder / "@jupyter-widgets" / "html-manager" / "dist"
        fonts_dir.mkdir(parents=True, exist_ok=True)
        for f in fonts:
            shutil.copy2(f, fonts_dir / f.name)


def _russian_proof_directive():
    """sphinx-proof writes «Proof.» before every proof whatever the language: say it in Russian."""
    from docutils import nodes
    from sphinx_proof.directive import ProofDirective
    from sphinx_proof.nodes import proof_node

    class RussianProofDirective(ProofDirective):
        def run(self):
            section = nodes.admonition(classes=["proof", "proof", *self.options.get("class", [])], ids=["proof"])
            self.content[0] = "*Доказательство.* " + self.content[0]
            self.state.nested_parse(self.content, 0, section)
            node = proof_node()
            node += section
            return [node]

    return RussianProofDirective


#: The whole book as one PDF: `make pdf` builds it and copies it next to index.html.
BOOK_PDF = "nn-basics.pdf"


def _book_pdf_button(app, pagename, templatename, context, doctree):
    """Adds «PDF всей книги» to the theme's download menu (after the theme fills it, priority 501)."""
    group = next((b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    group["buttons"].append({
        "type": "link",
        "url": context["pathto"](BOOK_PDF, 1),
        "text": "PDF всей книги",
        "tooltip": "Скачать всю книгу одним PDF (make pdf)",
        "icon": "fas fa-book",
        "label": "download-book-pdf-button",
    })


def setup(app):
    app.setup_extension("sphinx_proof")
    app.add_directive_to_domain("prf", "proof", _russian_proof_directive(), override=True)
    app.connect("config-inited", _configure)
    app.connect("build-finished", _copy)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _book_pdf_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
