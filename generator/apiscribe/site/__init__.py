"""The MkDocs site: the ``apiscribe`` plugin (:mod:`.plugin`), the one build
(:mod:`.build`), the mkdocs.yml apiscribe writes (:mod:`.mkdocs_yml`), the search-index filter
(:mod:`.search`), the page workers (:mod:`.workers`), the page cache (:mod:`.page_cache`) and
the build stamp (:mod:`.stamp`). MkDocs is imported nowhere else.
"""

from .build import build_site, convert_site
from .mkdocs_yml import DEFAULT_API_DOCS, site_nav, write_mkdocs_config
from .page_cache import CACHE_DIR
from .plugin import ApiscribePlugin
from .stamp import Stamp, build_stamp, unchanged

__all__ = ["CACHE_DIR", "DEFAULT_API_DOCS", "ApiscribePlugin", "Stamp",
           "build_site", "build_stamp", "convert_site", "site_nav", "unchanged",
           "write_mkdocs_config"]
