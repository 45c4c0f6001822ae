"""The one exception type users see: a message meant to be printed, never a traceback."""

__all__ = ["ChatbotError"]


class ChatbotError(Exception):
    """A problem with input, corpus, index or model that the user can fix; str() says how."""
