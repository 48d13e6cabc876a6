"""Watch the originals: fetch each source again, compare it with its latest capture, log what changed."""
