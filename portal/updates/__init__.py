"""EU updates: reliable news from the European Commission for industry, published by staff."""
