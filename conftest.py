"""Project-wide pytest hooks: remember which notebooks nbval collected."""

from pathlib import Path


def pytest_collection_modifyitems(session, config, items):
    config._collected_notebooks = {
        Path(str(item.fspath)).resolve() for item in items if str(item.fspath).endswith(".ipynb")
    }
