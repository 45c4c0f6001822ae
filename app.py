"""Start the Ask the Article web app (same as `chatbot serve`, errors included: one line, exit 1); settings come from
CHATBOT_* / chatbot.toml."""

import sys

from chatbot.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
