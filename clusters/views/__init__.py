"""HTML views of the clusters app: the public directory, profile management and the map."""
