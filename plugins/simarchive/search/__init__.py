"""Full-text search: `searcher.index_site(config)` builds the index, `Searcher.search(request)` answers."""
