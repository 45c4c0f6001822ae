"""Ask the Article: grounded, cited question answering over news articles, offline on a CPU.

The library is split along the flow: corpus → chunks → index → retrieve → answer → verify.
"""

from chatbot.answer import Chatbot
from chatbot.errors import ChatbotError
from chatbot.reply import Citation, Reply
from chatbot.settings import Settings, get_settings
from chatbot.startup import ensure_index, load_chatbot

__all__ = ["Chatbot", "ChatbotError", "Citation", "Reply", "Settings", "get_settings", "ensure_index", "load_chatbot"]
