"""The MkDocs site: the ``apiscribe`` plugin (:mod:`.plugin`), the one build
(:mod:`.build`), the mkdocs.yml apiscribe writes (:mod:`.mkdocs_yml`), the search-index filter
(:mod:`.search`) and the page workers (:mod:`.workers`). MkDocs is imported nowhere else.
"""

from .build import build_site
from .mkdocs_yml import DEFAULT_API_DOCS, site_nav, write_mkdocs_config
from .plugin import ApiscribePlugin

__all__ = ["DEFAULT_API_DOCS", "ApiscribePlugin", "build_site", "site_nav",
           "write_mkdocs_config"]
