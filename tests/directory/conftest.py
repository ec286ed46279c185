from tests.directory.feed_server import feed_server

__all__ = ["feed_server"]
