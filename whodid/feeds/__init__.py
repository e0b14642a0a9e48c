"""News feeds: `whodid feeds FEEDS.txt --db FILE` polls RSS and Atom feeds and stores the
articles they link to, coded (docs/feeds.md)."""
