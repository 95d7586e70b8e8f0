"""Where the packages are; everything else about the project is in pyproject.toml.

The shipped debates stay in the top-level ``content/`` folder, where authors edit them, and
ship inside the wheel as the package ``bot.content.shipped`` (read with importlib.resources),
so an installed copy plays from any folder. pyproject.toml alone cannot say this: its
``packages.find`` does not discover a package whose folder is mapped elsewhere, and an
explicit list would need an edit for every new package.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["bot", "bot.*", "adapters", "adapters.*"]), "bot.content.shipped"],
    package_dir={"bot.content.shipped": "content"},
)
