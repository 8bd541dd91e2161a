# Three commands do everything on a fresh machine with Python >= 3.11:
#   make book   build the HTML book (creates .venv and installs on first use)
#   make test   run the lib/ and book tests; every notebook is executed again (JupyterLab, or nbval)
#   make pdf    the book as one PDF, _build/latex/nn-basics.pdf (installs TeX via apt-get when root)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
# The course's matrices are small: one BLAS thread per process is faster than several fighting
# over 2 cores (tests run in 2 processes, the book's notebooks one after another).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1

.PHONY: book test pdf live fresh clean webdeps

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# The ipywidgets JavaScript (require.js, @jupyter-widgets/html-manager) from the npm registry, so the
# sliders' initial plots show in the HTML book without internet. Optional: without npm, a CDN is used.
webdeps:
	@if [ -f .webdeps/node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix .webdeps @jupyter-widgets/html-manager@1.0.15 requirejs@2.3.8; \
	else echo "npm не найден: JavaScript виджетов в книге будет загружаться из CDN"; fi

book: $(STAMP) webdeps
	$(BIN)/python tools/execute_book.py --jobs $(JOBS)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "Книга собрана. Откройте в браузере: file://$(CURDIR)/_build/html/index.html"

# The notebooks are executed into the build's cache first (both cores): the book test builds from it
# and the second execution of every notebook (JupyterLab's in tests/test_live_lab.py, or nbval's
# without a browser: conftest.py) is compared with it.
test: $(STAMP) webdeps
	$(BIN)/python tools/execute_book.py --jobs $(JOBS)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile

# The PDF (tools/pdf_build.py): the TeX packages are checked (and installed with apt-get when run as
# root on Debian/Ubuntu), the notebooks executed into the same cache as `make book`, then Sphinx's
# LaTeX builder and XeLaTeX. Also copied to _build/html/nn-basics.pdf when the HTML book exists.
pdf: $(STAMP)
	$(BIN)/python tools/pdf_deps.py
	$(BIN)/python tools/execute_book.py --jobs $(JOBS)
	$(BIN)/python tools/pdf_build.py

# The student's own copy of the chapters: made on first run, never overwritten, outside git.
# `make fresh CH=01_neuron` puts the old copy aside (…-old-<time>.ipynb) and takes a fresh one.
MYDIR  := my-chapters
LAB_ARGS := --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root,)

live: $(STAMP)
	@$(BIN)/python tools/live.py copy $(MYDIR)
	@$(BIN)/python tools/live.py settings
	@echo "JupyterLab откроет ваши копии глав из $(MYDIR)/ (правки и выводы остаются только там)."
	$(BIN)/jupyter lab $(LAB_ARGS) $(MYDIR)

fresh: $(STAMP)
	@test -n "$(CH)" || (echo "Укажите главу: make fresh CH=01_neuron" && exit 2)
	@$(BIN)/python tools/live.py fresh $(MYDIR) $(CH)

clean:
	rm -rf _build .pytest_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
