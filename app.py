"""Start the Ask the Article web app (same as `chatbot serve`); settings come from CHATBOT_* / chatbot.toml."""

from chatbot.ui import serve

if __name__ == "__main__":
    serve()
