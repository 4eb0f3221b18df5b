"""The page's parts, one module each (data, kmeans, als, run_facts): each reads its tables,
calls the pure aggregates and plots, and adds its sections to the Page."""
