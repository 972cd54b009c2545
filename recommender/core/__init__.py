"""The pure core: needs, catalog data and recommendations in, plain data out."""
